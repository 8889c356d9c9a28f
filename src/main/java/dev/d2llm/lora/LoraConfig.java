package dev.d2llm.lora;

import dev.d2llm.backbone.BackboneConfig;
import dev.d2llm.backbone.BertConfig;
import dev.d2llm.backbone.DecoderConfig;
import java.util.List;

/**
 * Where and how large the adapters are: rank r, scaling alpha / r, dropout on the adapter's input,
 * and the projections they attach to (suffixes of Hugging Face module paths, as PEFT's
 * target_modules).
 */
public record LoraConfig(int rank, double alpha, double dropout, List<String> targets) {

  /** The attention and MLP projections of every decoder layer (Qwen2, Llama, Qwen3). */
  public static final List<String> DECODER_TARGETS =
      List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

  /** The attention and feed-forward projections of every BERT layer. */
  public static final List<String> BERT_TARGETS =
      List.of(
          "attention.self.query",
          "attention.self.key",
          "attention.self.value",
          "attention.output.dense",
          "intermediate.dense",
          "output.dense");

  public LoraConfig {
    if (rank < 1) {
      throw new IllegalArgumentException("LoRA rank must be >= 1, found " + rank);
    }
    if (!(alpha > 0)) {
      throw new IllegalArgumentException("LoRA alpha must be > 0, found " + alpha);
    }
    if (dropout < 0 || dropout >= 1) {
      throw new IllegalArgumentException("LoRA dropout must be in [0, 1), found " + dropout);
    }
    if (targets == null || targets.isEmpty()) {
      throw new IllegalArgumentException("LoRA needs at least one target projection");
    }
    targets = List.copyOf(targets);
  }

  /**
   * The method's defaults (r 8, alpha 8, dropout 0.05) on every projection of the backbone's
   * family.
   */
  public static LoraConfig defaults(BackboneConfig backbone) {
    List<String> targets =
        switch (backbone) {
          case BertConfig b -> BERT_TARGETS;
          case DecoderConfig d -> DECODER_TARGETS;
        };
    return new LoraConfig(8, 8, 0.05, targets);
  }

  /** The factor alpha / r the adapter's output is multiplied by. */
  public double scaling() {
    return alpha / rank;
  }
}
