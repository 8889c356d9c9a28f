package dev.d2llm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Rotary position embeddings in the "rotate half" layout of Hugging Face's Llama and Qwen code:
 * channel {@code i} pairs with channel {@code i + D/2}.
 */
public final class RotaryEmbedding {

  private final float[] inverseFrequencies;

  public RotaryEmbedding(float[] inverseFrequencies) {
    this.inverseFrequencies = inverseFrequencies.clone();
  }

  /** Cosine and sine tables [B,1,T,D] for positions [B,T], computed in float32 then cast. */
  public NDList tables(NDArray positions, DataType type) {
    NDManager m = positions.getManager();
    NDArray inv = m.create(inverseFrequencies); // [D/2]
    NDArray freqs = positions.toType(DataType.FLOAT32, false).expandDims(-1).mul(inv); // [B,T,D/2]
    NDArray emb = freqs.concat(freqs, -1).expandDims(1); // [B,1,T,D]
    return new NDList(emb.cos().toType(type, false), emb.sin().toType(type, false));
  }

  /** Rotates x [B,H,T,D] by the tables from {@link #tables}. */
  public static NDArray apply(NDArray x, NDList tables) {
    long d = x.getShape().getLastDimension();
    NDArray first = x.get(new NDIndex("..., :{}", d / 2));
    NDArray second = x.get(new NDIndex("..., {}:", d / 2));
    NDArray rotated = second.neg().concat(first, -1);
    return x.mul(tables.get(0)).add(rotated.mul(tables.get(1)));
  }

  /**
   * Positions [B,T] for a token mask [B,T]: the count of real tokens before each, so left padding
   * is neutral.
   */
  public static NDArray positionsFromMask(NDArray mask) {
    NDArray counts = Scalars.sub(mask.toType(DataType.INT64, false).cumSum(1), 1);
    return Scalars.maximum(counts, 0);
  }
}
