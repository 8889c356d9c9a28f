package dev.d2llm.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * Where the student's token states come from during training: the live backbone, or a cache of a
 * frozen one.
 */
public interface TokenStates {

  /** Token states [N,T,d] and mask [N,T] of {@code texts}, owned by {@code scope}. */
  NDArray[] of(NDManager scope, List<String> texts, boolean training);

  /**
   * Whether {@link #of} gives the student's pooled vectors already ([N,1,d], one "token" per text)
   * rather than token states to pool: then training reads them as they are.
   */
  default boolean pooled() {
    return false;
  }
}
