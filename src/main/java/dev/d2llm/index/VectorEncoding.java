package dev.d2llm.index;

import java.util.Locale;

/**
 * How a matrix of the index is stored: little-endian fp32, fp16, or int8 with one fp32 scale per
 * row (symmetric, {@code scale = max|x| / 127}).
 */
public enum VectorEncoding {
  FP32(4),
  FP16(2),
  INT8(1);

  private final int bytesPerValue;

  VectorEncoding(int bytesPerValue) {
    this.bytesPerValue = bytesPerValue;
  }

  /** Bytes per stored value (the int8 row scales are stored apart). */
  public int bytesPerValue() {
    return bytesPerValue;
  }

  /** The manifest's and the CLI's spelling: {@code fp32}, {@code fp16}, {@code int8}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code fp32}, {@code fp16} or {@code int8}, case-insensitively. */
  public static VectorEncoding parse(String s) {
    for (VectorEncoding e : values()) {
      if (e.label().equalsIgnoreCase(s)) {
        return e;
      }
    }
    throw new IllegalArgumentException("encoding '" + s + "' is not one of fp32, fp16, int8");
  }
}
