package dev.d2llm.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** A padded batch of pair encodings: the tokens and mask, plus each token's type. */
public record TypedTokenBatch(TokenBatch tokens, long[] typeIds) {

  public TypedTokenBatch {
    if (typeIds.length != tokens.ids().length) {
      throw new IllegalArgumentException(
          "need " + tokens.ids().length + " type ids, found " + typeIds.length);
    }
  }

  /** The token types as an int64 [size, length] array in {@code manager}. */
  public NDArray typeIdsArray(NDManager manager) {
    return manager.create(typeIds, new Shape(tokens.size(), tokens.length()));
  }
}
