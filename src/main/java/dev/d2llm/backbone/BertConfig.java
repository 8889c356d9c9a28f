package dev.d2llm.backbone;

import dev.d2llm.checkpoint.CheckpointException;
import java.util.Set;

/**
 * Configuration of a BERT-family encoder (BERT, BGE, E5, MiniLM): post-LN, learned positions, GELU.
 */
public record BertConfig(
    int vocabSize,
    int hiddenSize,
    int numLayers,
    int numHeads,
    int intermediateSize,
    int maxPositions,
    int typeVocabSize,
    double layerNormEps,
    double dropout,
    int padTokenId)
    implements BackboneConfig {

  static final Set<String> MODEL_TYPES = Set.of("bert");

  public BertConfig {
    if (hiddenSize % numHeads != 0) {
      throw new CheckpointException(
          "hidden_size " + hiddenSize + " is not a multiple of num_attention_heads " + numHeads);
    }
  }

  @Override
  public String modelType() {
    return "bert";
  }

  /** Width of one attention head. */
  public int headDim() {
    return hiddenSize / numHeads;
  }

  static BertConfig from(ConfigJson j) {
    String act = j.textOr("hidden_act", "gelu");
    if (!act.equals("gelu")) {
      throw new CheckpointException(
          j.source() + ": hidden_act '" + act + "' is not supported; expected 'gelu'");
    }
    String pos = j.textOr("position_embedding_type", "absolute");
    if (!pos.equals("absolute")) {
      throw new CheckpointException(
          j.source()
              + ": position_embedding_type '"
              + pos
              + "' is not supported; expected 'absolute'");
    }
    return new BertConfig(
        j.requiredInt("vocab_size"),
        j.requiredInt("hidden_size"),
        j.requiredInt("num_hidden_layers"),
        j.requiredInt("num_attention_heads"),
        j.requiredInt("intermediate_size"),
        j.intOr("max_position_embeddings", 512),
        j.intOr("type_vocab_size", 2),
        j.doubleOr("layer_norm_eps", 1e-12),
        j.doubleOr("hidden_dropout_prob", 0.1),
        j.has("pad_token_id") ? j.root().get("pad_token_id").asInt() : 0);
  }
}
