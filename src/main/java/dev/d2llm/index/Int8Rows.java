package dev.d2llm.index;

/**
 * Symmetric per-row int8 quantisation: {@code q = round(x / scale)}, {@code scale = max|x| / 127}.
 */
final class Int8Rows {

  private Int8Rows() {}

  static float scale(float[] row) {
    float max = 0;
    for (float v : row) {
      max = Math.max(max, Math.abs(v));
    }
    return max == 0 ? 1f : max / 127f;
  }

  static byte quantize(float v, float scale) {
    return (byte) Math.max(-127, Math.min(127, Math.round(v / scale)));
  }
}
