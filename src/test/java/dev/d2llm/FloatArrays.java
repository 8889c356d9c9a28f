package dev.d2llm;

import static org.assertj.core.api.Assertions.assertThat;

/** Comparisons of float arrays the parity tests share. */
public final class FloatArrays {

  private FloatArrays() {}

  /** The largest absolute difference between two arrays of the same length (asserted). */
  public static double maxAbsDiff(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  /** The cosine of two arrays of the same length (asserted). */
  public static float cosine(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return (float) (dot / Math.sqrt(na * nb));
  }
}
