package dev.d2llm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Scaled dot-product attention and the masks it takes, shared by every backbone. */
public final class Attention {

  private Attention() {}

  /**
   * {@code softmax(q kᵀ * scale + mask) v} for q [B,H,T,D], k and v [B,H,S,D] and an additive
   * mask broadcastable to [B,H,T,S].
   */
  public static NDArray scaledDotProduct(NDArray q, NDArray k, NDArray v, NDArray additiveMask, float scale) {
    NDArray scores = Scalars.mul(q, scale).matMul(k.swapAxes(-1, -2)).add(additiveMask);
    NDArray probs = scores.getDataType() == DataType.FLOAT32
        ? scores.softmax(-1)
        : scores.toType(DataType.FLOAT32, false).softmax(-1).toType(scores.getDataType(), false);
    return probs.matMul(v);
  }

  /** [B,T] of 1 (token) / 0 (padding) to an additive [B,1,1,T] mask that hides padded keys. */
  public static NDArray paddingMask(NDArray mask, DataType type) {
    // (mask - 1) * -min gives +0 for tokens, min for padding (no negative zeros).
    return Scalars.mul(Scalars.sub(mask.toType(type, false), 1), -minValue(type)).expandDims(1).expandDims(1);
  }

  /**
   * [B,T] token mask to an additive [B,1,T,T] mask that hides future and padded keys. Rows of
   * padded queries see nothing; the large finite negative keeps their softmax finite.
   */
  public static NDArray causalPaddingMask(NDArray mask, DataType type) {
    long t = mask.getShape().get(1);
    NDArray idx = mask.getManager().arange(t);
    NDArray causal = idx.expandDims(1).gte(idx.expandDims(0)); // [T,T] key <= query
    NDArray keys = mask.toType(DataType.BOOLEAN, false).expandDims(1).expandDims(1); // [B,1,1,T]
    NDArray allowed = keys.logicalAnd(causal.expandDims(0).expandDims(0));
    return Scalars.mul(Scalars.sub(allowed.toType(type, false), 1), -minValue(type));
  }

  /** The most negative finite value of a floating type, as the reference masks use. */
  public static float minValue(DataType type) {
    return switch (type) {
      case BFLOAT16 -> -3.3895314e38f;
      case FLOAT16 -> -65504f;
      default -> -Float.MAX_VALUE;
    };
  }
}
