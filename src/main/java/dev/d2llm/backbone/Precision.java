package dev.d2llm.backbone;

import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * The number format of weights and arithmetic. DJL 0.36's PyTorch JNI maps no bfloat16 tensor type
 * (its dtype switch stops at complex64 and aborts the process on any other), so {@code BF16} rounds
 * every weight to bfloat16 and computes in float32, while {@code FP16} is true half-precision
 * arithmetic.
 */
public enum Precision {
  /** float32 weights and arithmetic: the parity reference. */
  FP32(DataType.FLOAT32, false),
  /** float16 weights and arithmetic (fast on GPUs). */
  FP16(DataType.FLOAT16, false),
  /**
   * bfloat16-rounded weights, float32 arithmetic: the values a bf16 checkpoint holds, computed
   * safely.
   */
  BF16(DataType.FLOAT32, true);

  private final DataType computeType;
  private final boolean roundWeightsToBf16;

  Precision(DataType computeType, boolean roundWeightsToBf16) {
    this.computeType = computeType;
    this.roundWeightsToBf16 = roundWeightsToBf16;
  }

  /** The DJL type the weights and activations are held in. */
  public DataType computeType() {
    return computeType;
  }

  /** Whether weights are rounded to the nearest bfloat16 on load. */
  public boolean roundsWeightsToBf16() {
    return roundWeightsToBf16;
  }

  /** Parses {@code fp32}, {@code fp16} or {@code bf16}, case-insensitively. */
  public static Precision parse(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "fp32", "float32", "f32" -> FP32;
      case "fp16", "float16", "f16", "half" -> FP16;
      case "bf16", "bfloat16" -> BF16;
      default ->
          throw new IllegalArgumentException(
              "precision '" + s + "' is not one of fp32, fp16, bf16");
    };
  }
}
