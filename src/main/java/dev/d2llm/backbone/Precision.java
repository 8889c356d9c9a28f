package dev.d2llm.backbone;

import ai.djl.ndarray.types.DataType;

/** The number format weights and activations are computed in. */
public enum Precision {
  FP32(DataType.FLOAT32),
  BF16(DataType.BFLOAT16);

  private final DataType dataType;

  Precision(DataType dataType) {
    this.dataType = dataType;
  }

  /** The DJL data type of this precision. */
  public DataType dataType() {
    return dataType;
  }

  /** Parses {@code fp32} or {@code bf16}, case-insensitively. */
  public static Precision parse(String s) {
    return switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "fp32", "float32", "f32" -> FP32;
      case "bf16", "bfloat16" -> BF16;
      default -> throw new IllegalArgumentException("precision '" + s + "' is not one of fp32, bf16");
    };
  }
}
