package dev.d2llm.index;

import java.util.List;
import java.util.Objects;

/**
 * A verified index in memory: unit passage vectors for the first-stage scan, IEM projections (fp32,
 * {@code [count, projectionWidth]}) for exact scoring, ids and texts.
 */
public record SearchIndex(
    IndexManifest manifest,
    VectorRows vectors,
    float[] projection,
    List<String> ids,
    List<String> texts) {

  public SearchIndex {
    Objects.requireNonNull(manifest, "manifest");
    int n = (int) manifest.count();
    if (vectors.rows() != n
        || ids.size() != n
        || texts.size() != n
        || projection.length != (long) n * manifest.projectionWidth()) {
      throw new IndexFormatException("index parts disagree on the row count " + n);
    }
  }

  /** Number of passages. */
  public int count() {
    return (int) manifest.count();
  }

  /** Width of the IEM projections. */
  public int projectionWidth() {
    return manifest.projectionWidth();
  }
}
