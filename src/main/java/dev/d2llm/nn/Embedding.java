package dev.d2llm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/** A lookup table of {@code count} vectors of size {@code dim}, indexed by integer ids. */
public class Embedding extends NamedBlock {

  private final Parameter weight;
  private final long count;

  public Embedding(long count, long dim) {
    this.count = count;
    this.weight = parameter("weight", Parameter.Type.WEIGHT, new Shape(count, dim));
  }

  /** Rows for {@code ids} of any shape; the result has one more axis of size {@code dim}. */
  @Override
  public NDArray apply(ParameterStore ps, NDArray ids, boolean training) {
    NDArray w = value(ps, weight, ids, training);
    return ids.getNDArrayInternal().embedding(ids, w, SparseFormat.DENSE).singletonOrThrow();
  }

  /** The table itself, for tied output projections. */
  public Parameter weight() {
    return weight;
  }

  /** Number of rows. */
  public long count() {
    return count;
  }
}
