package dev.d2llm.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Scaled dot-product attention and the masks it takes, shared by every backbone. */
public final class Attention {

  private Attention() {}

  /**
   * Largest score block, in bytes, that {@link #scaledDotProduct} computes at once on the CPU. A
   * [B,H,T,S] score tensor of long passages runs to hundreds of MB; written, masked and soft-maxed
   * whole it costs page faults and memory traffic that took three quarters of an encoder's time
   * ({@code bench encode --profile}). Blocks this size stay in cache and, at inference, reuse the
   * allocator's memory: each block's scores are freed as soon as its output is made, so a layer
   * holds one block of scores at a time, not all of them.
   */
  public static final long CPU_SCORE_BLOCK_BYTES = 4L << 20;

  /**
   * {@code softmax(q kᵀ * scale + mask) v} for q [B,H,T,D], k and v [B,H,S,D] and an additive mask
   * broadcastable to [B,H,T,S]. On the CPU, large inputs are computed in blocks of batch rows and
   * query positions ({@link #CPU_SCORE_BLOCK_BYTES}); the result is the same.
   */
  public static NDArray scaledDotProduct(
      NDArray q, NDArray k, NDArray v, NDArray additiveMask, float scale) {
    return scaledDotProduct(q, k, v, additiveMask, scale, null);
  }

  /**
   * As {@link #scaledDotProduct(NDArray, NDArray, NDArray, NDArray, float)}, told that {@code
   * additiveMask} hides exactly the keys after the first {@code keyLengths[r]} of each batch row r
   * (right padding; null when it does not, see {@link #prefixLengths}). Large inputs at inference
   * on the CPU are then computed one row at a time over its real keys only, with no mask at all:
   * the mask's pass over every score and the padded keys' work are skipped. Where queries and keys
   * are the same positions (self-attention), the outputs of padded queries are zero; callers read
   * real tokens' states only, as the references are compared.
   */
  public static NDArray scaledDotProduct(
      NDArray q, NDArray k, NDArray v, NDArray additiveMask, float scale, int[] keyLengths) {
    Shape qs = q.getShape();
    long b = qs.get(0);
    long t = qs.get(2);
    long perQueryRow = qs.get(1) * k.getShape().get(2) * Float.BYTES;
    if (q.getDevice().getDeviceType() != Device.Type.CPU
        || b * t * perQueryRow <= CPU_SCORE_BLOCK_BYTES) {
      return dense(q, k, v, additiveMask, scale);
    }
    // Without autograd (inference, or a frozen backbone) nothing needs a block's scores once its
    // output exists; with it, backward does.
    boolean free = !q.hasGradient() && !k.hasGradient() && !v.hasGradient();
    if (free && keyLengths != null && keyLengths.length == b) {
      return unpaddedRows(q, k, v, scale, keyLengths);
    }
    long rowsPerBlock = Math.max(1, CPU_SCORE_BLOCK_BYTES / (t * perQueryRow));
    long queriesPerBlock = rowsPerBlock > 1 ? t : Math.max(1, CPU_SCORE_BLOCK_BYTES / perQueryRow);
    Shape ms = additiveMask.getShape();
    boolean maskPerRow = ms.get(0) > 1;
    boolean maskPerQuery = ms.get(ms.dimension() - 2) > 1;
    NDList rows = new NDList();
    for (long r = 0; r < b; r += rowsPerBlock) {
      String rowRange = r + ":" + Math.min(b, r + rowsPerBlock);
      NDArray qr = q.get(rowRange);
      NDArray kr = k.get(rowRange);
      NDArray vr = v.get(rowRange);
      NDArray mr = maskPerRow ? additiveMask.get(rowRange) : additiveMask;
      if (queriesPerBlock >= t) {
        rows.add(free ? denseFreed(qr, kr, vr, mr, scale) : dense(qr, kr, vr, mr, scale));
        continue;
      }
      NDList queries = new NDList();
      for (long i = 0; i < t; i += queriesPerBlock) {
        String queryRange = ":, :, " + i + ":" + Math.min(t, i + queriesPerBlock);
        NDArray mq = maskPerQuery ? mr.get(queryRange) : mr;
        queries.add(
            free
                ? denseFreed(qr.get(queryRange), kr, vr, mq, scale)
                : dense(qr.get(queryRange), kr, vr, mq, scale));
      }
      rows.add(concatAndFree(queries, 2, free));
    }
    return rows.size() == 1 ? rows.singletonOrThrow() : concatAndFree(rows, 0, free);
  }

  /**
   * Attention one batch row at a time over that row's real keys, without a mask, in query blocks of
   * at most {@link #CPU_SCORE_BLOCK_BYTES} of scores; each block freed once its output exists.
   */
  private static NDArray unpaddedRows(
      NDArray q, NDArray k, NDArray v, float scale, int[] keyLengths) {
    Shape qs = q.getShape();
    long heads = qs.get(1);
    long t = qs.get(2);
    long s = k.getShape().get(2);
    boolean selfAttention = t == s;
    NDList rows = new NDList();
    for (int r = 0; r < keyLengths.length; r++) {
      long keys = Math.max(1, Math.min(s, keyLengths[r]));
      long queries = selfAttention ? keys : t;
      String row = r + ":" + (r + 1) + ", :, ";
      NDArray kr = k.get(row + "0:" + keys);
      NDArray vr = v.get(row + "0:" + keys);
      long perQueryRow = heads * keys * Float.BYTES;
      long queriesPerBlock = Math.max(1, CPU_SCORE_BLOCK_BYTES / perQueryRow);
      NDList blocks = new NDList();
      for (long i = 0; i < queries; i += queriesPerBlock) {
        NDArray qb = q.get(row + i + ":" + Math.min(queries, i + queriesPerBlock));
        blocks.add(denseFreed(qb, kr, vr, null, scale));
      }
      if (queries < t) {
        blocks.add(
            q.getManager().zeros(new Shape(1, heads, t - queries, qs.get(3)), q.getDataType()));
      }
      rows.add(blocks.size() == 1 ? blocks.singletonOrThrow() : concatAndFree(blocks, 2, true));
    }
    return rows.size() == 1 ? rows.singletonOrThrow() : concatAndFree(rows, 0, true);
  }

  /**
   * Each row's count of leading real tokens when a [B,T] 1/0 mask is right padding (every row's
   * ones come first, then only zeros); null when it is not, or not on the CPU (where only {@link
   * #scaledDotProduct} uses it).
   */
  public static int[] prefixLengths(NDArray mask) {
    if (mask.getDevice().getDeviceType() != Device.Type.CPU || mask.getShape().dimension() != 2) {
      return null;
    }
    int b = (int) mask.getShape().get(0);
    int t = (int) mask.getShape().get(1);
    long[] m = mask.toType(DataType.INT64, false).toLongArray();
    int[] lengths = new int[b];
    for (int r = 0; r < b; r++) {
      int n = 0;
      while (n < t && m[r * t + n] != 0) {
        n++;
      }
      for (int j = n; j < t; j++) {
        if (m[r * t + j] != 0) {
          return null;
        }
      }
      lengths[r] = n;
    }
    return lengths;
  }

  /** The blocks joined along {@code axis}; with {@code free} the blocks are closed once joined. */
  private static NDArray concatAndFree(NDList blocks, int axis, boolean free) {
    NDArray joined = NDArrays.concat(blocks, axis);
    if (free) {
      blocks.forEach(NDArray::close);
    }
    return joined;
  }

  /** {@link #dense}, closing every array it makes on the way but its output. */
  private static NDArray denseFreed(
      NDArray q, NDArray k, NDArray v, NDArray additiveMask, float scale) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray out = dense(q, k, v, additiveMask, scale);
      NDScope.unregister(out);
      return out;
    }
  }

  /** The formula itself; a null mask hides nothing. */
  private static NDArray dense(NDArray q, NDArray k, NDArray v, NDArray additiveMask, float scale) {
    NDArray products = Scalars.mul(q, scale).matMul(k.swapAxes(-1, -2));
    NDArray scores = additiveMask == null ? products : products.add(additiveMask);
    NDArray probs =
        scores.getDataType() == DataType.FLOAT32
            ? scores.softmax(-1)
            : scores
                .toType(DataType.FLOAT32, false)
                .softmax(-1)
                .toType(scores.getDataType(), false);
    return probs.matMul(v);
  }

  /** [B,T] of 1 (token) / 0 (padding) to an additive [B,1,1,T] mask that hides padded keys. */
  public static NDArray paddingMask(NDArray mask, DataType type) {
    // (mask - 1) * -min gives +0 for tokens, min for padding (no negative zeros).
    return Scalars.mul(Scalars.sub(mask.toType(type, false), 1), -minValue(type))
        .expandDims(1)
        .expandDims(1);
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
