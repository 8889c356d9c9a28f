package dev.d2llm.student;

import dev.d2llm.nn.RowKernel;

/**
 * The IEM's query-time half on host arrays, for search: a snapshot of the query's share of the
 * first layer, both branches and the last layer, scoring passages from their stored projections
 * ({@code W1p e_p + b1}) with a {@link RowKernel}. It computes what {@link
 * InteractionEmulation#scoreProjected} does, on any thread, without PyTorch.
 */
public final class HostIem {

  /** Rows per pass through the branch layer: its input and output stay in L2. */
  private static final int CHUNK = 64;

  private final RowKernel kernel;
  private final int dim;
  private final int hidden;
  private final float[] queryWeight;
  private final float[] symmetric;
  private final float[] symmetricBias;
  private final float[] asymmetric;
  private final float[] asymmetricBias;

  /**
   * The last layer's weights and bias per branch (index {@link Branch#ordinal()}; one array twice
   * when shared).
   */
  private final float[][] last;

  private final float[] lastBias;
  private final Residual residual;

  /**
   * A residual IEM's cosine term per branch (index {@link Branch#ordinal()}): {@code scale cos +
   * shift}.
   */
  public record Residual(float[] scale, float[] shift) {}

  HostIem(
      RowKernel kernel,
      int dim,
      int hidden,
      float[] queryWeight,
      float[] symmetric,
      float[] symmetricBias,
      float[] asymmetric,
      float[] asymmetricBias,
      float[][] last,
      float[] lastBias,
      Residual residual) {
    this.kernel = kernel;
    this.dim = dim;
    this.hidden = hidden;
    this.queryWeight = queryWeight;
    this.symmetric = symmetric;
    this.symmetricBias = symmetricBias;
    this.asymmetric = asymmetric;
    this.asymmetricBias = asymmetricBias;
    this.last = last;
    this.lastBias = lastBias;
    this.residual = residual;
  }

  /** Whether logits need each passage's cosine to the query (a residual IEM). */
  public boolean needsCosines() {
    return residual != null;
  }

  /** The query's share of the first layer, {@code W1q e_q} [hidden], for a query vector [dim]. */
  public float[] projectQuery(float[] query) {
    if (query.length != dim) {
      throw new IllegalArgumentException(
          "query vector has " + query.length + " values, the IEM takes " + dim);
    }
    float[] out = new float[hidden];
    kernel.linear(query, 1, queryWeight, null, dim, hidden, out);
    return out;
  }

  /**
   * Logits of a projected query against {@code count} passage projections stored row after row in
   * {@code projections} from row {@code firstRow}, written to {@code out[outOffset..]}. A residual
   * IEM reads each pair's cosine from {@code cosines[outOffset..]} (null for the paper's IEM).
   */
  public void logits(
      float[] projectedQuery,
      float[] projections,
      int firstRow,
      int count,
      Branch branch,
      float[] out,
      int outOffset,
      float[] cosines) {
    if (residual != null && cosines == null) {
      throw new IllegalArgumentException(
          "a residual IEM scores passages with their cosines to the query");
    }
    float[] w = branch == Branch.SYMMETRIC ? symmetric : asymmetric;
    float[] b = branch == Branch.SYMMETRIC ? symmetricBias : asymmetricBias;
    float[] lastWeight = last[branch.ordinal()];
    float[] h = new float[CHUNK * hidden];
    float[] g = new float[CHUNK * hidden];
    for (int start = 0; start < count; start += CHUNK) {
      int n = Math.min(CHUNK, count - start);
      int base = (firstRow + start) * hidden;
      for (int r = 0; r < n; r++) {
        int off = r * hidden;
        for (int j = 0; j < hidden; j++) {
          h[off + j] = Math.max(0f, projections[base + off + j] + projectedQuery[j]);
        }
      }
      kernel.linear(h, n, w, b, hidden, hidden, g);
      for (int r = 0; r < n; r++) {
        float z = lastBias[branch.ordinal()];
        int off = r * hidden;
        for (int j = 0; j < hidden; j++) {
          z += Math.max(0f, g[off + j]) * lastWeight[j];
        }
        if (residual != null) {
          z +=
              residual.scale()[branch.ordinal()] * cosines[outOffset + start + r]
                  + residual.shift()[branch.ordinal()];
        }
        out[outOffset + start + r] = z;
      }
    }
  }
}
