package dev.d2llm.mining;

/**
 * Where hard negatives come from: BM25 over the passages, a dense model's nearest passages, or both
 * in turn ({@link InterleavedMiner}), so a teacher also sees the first stage's own near misses.
 */
public enum MiningMethod {
  BM25,
  DENSE,
  HYBRID;

  /** Whether the method needs a dense encoder. */
  public boolean needsEncoder() {
    return this != BM25;
  }
}
