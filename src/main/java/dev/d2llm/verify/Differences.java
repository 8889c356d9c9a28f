package dev.d2llm.verify;

/**
 * Largest absolute difference between two [B,T,W] arrays over the positions a mask marks as tokens.
 */
final class Differences {

  private Differences() {}

  static double maxAbsOverTokens(float[] a, float[] b, long[] mask, int width) {
    if (a.length != b.length || a.length != mask.length * (long) width) {
      throw new IllegalArgumentException(
          "shapes differ: "
              + a.length
              + " vs "
              + b.length
              + " for "
              + mask.length
              + " positions of width "
              + width);
    }
    double max = 0;
    for (int p = 0; p < mask.length; p++) {
      if (mask[p] == 0) {
        continue;
      }
      for (int i = p * width; i < (p + 1) * width; i++) {
        double d = Math.abs((double) a[i] - b[i]);
        if (!(d <= max)) {
          max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
        }
      }
    }
    return max;
  }
}
