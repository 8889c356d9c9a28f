package dev.d2llm.backbone;

import java.util.Arrays;
import java.util.List;

/** The decoder LLM families we load, with what differs between them. */
public enum DecoderFamily {
  /** Qwen2 and Qwen2.5: bias on the q, k and v projections only. */
  QWEN2("qwen2", true, false),
  /** Llama 2 and 3.x: optional bias everywhere ({@code attention_bias}), llama3 RoPE scaling. */
  LLAMA("llama", false, false),
  /** Qwen3: RMSNorm on each head's queries and keys before RoPE. */
  QWEN3("qwen3", false, true);

  private final String modelType;
  private final boolean qkvBias;
  private final boolean qkNorm;

  DecoderFamily(String modelType, boolean qkvBias, boolean qkNorm) {
    this.modelType = modelType;
    this.qkvBias = qkvBias;
    this.qkNorm = qkNorm;
  }

  /** The Hugging Face {@code model_type}. */
  public String modelType() {
    return modelType;
  }

  /** Whether q, k and v always carry a bias (and the output projection never does). */
  public boolean qkvBias() {
    return qkvBias;
  }

  /** Whether queries and keys are RMS-normalised per head. */
  public boolean qkNorm() {
    return qkNorm;
  }

  static List<String> supportedTypes() {
    return Arrays.stream(values()).map(DecoderFamily::modelType).toList();
  }
}
