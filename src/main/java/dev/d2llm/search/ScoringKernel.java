package dev.d2llm.search;

import dev.d2llm.index.VectorRows;

/**
 * The hot loop of a scan: dot products of one query with a range of index rows. Implementations
 * must agree with {@link ScalarScoringKernel} up to float rounding.
 */
public interface ScoringKernel {

  /** A short name for logs and reports, e.g. {@code vector-256} or {@code scalar}. */
  String name();

  /** {@code out[r - from] = rows[r] · query} for every row r in [from, to). */
  void dotProducts(VectorRows rows, float[] query, int from, int to, float[] out);
}
