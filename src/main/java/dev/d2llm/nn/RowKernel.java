package dev.d2llm.nn;

/**
 * {@code y = x Wᵀ + b} on host arrays for inputs of few rows (one query's tokens), where reading
 * the weights dominates: each weight row is read from memory once and used for every input row.
 */
public interface RowKernel {

  /**
   * Writes {@code y[r][o] = sum_i x[r][i] * w[o][i] + b[o]} for {@code rows} rows and the outputs
   * {@code o} in {@code [from, to)}; {@code x} is [rows, in], {@code w} [out, in] (PyTorch's
   * layout), {@code b} [out] or null, {@code y} [rows, out], all row-major.
   */
  void linear(
      float[] x, int rows, float[] w, float[] b, int in, int out, float[] y, int from, int to);

  /**
   * {@link #linear(float[], int, float[], float[], int, int, float[], int, int)} for every output.
   */
  default void linear(float[] x, int rows, float[] w, float[] b, int in, int out, float[] y) {
    linear(x, rows, w, b, in, out, y, 0, out);
  }
}
