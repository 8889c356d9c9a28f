package dev.d2llm.embedding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.d2llm.text.PaddingSide;
import dev.d2llm.text.TokenBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.IntConsumer;

/**
 * Runs a pooled encoder over many token sequences: length-sorted batches under a token budget, each
 * under its own NDManager scope, vectors handed back in input order.
 */
public final class BatchedEncoding {

  private BatchedEncoding() {}

  /**
   * One vector per sequence. {@code encode} maps a batch (arrays owned by the given scope) to its
   * pooled vectors [rows, d].
   */
  public static float[][] run(
      List<long[]> ids,
      LengthBatcher batcher,
      long padId,
      PaddingSide side,
      NDManager parent,
      BiFunction<NDManager, TokenBatch, NDArray> encode,
      IntConsumer progress) {
    int[] lengths = ids.stream().mapToInt(a -> a.length).toArray();
    float[][] out = new float[ids.size()][];
    for (int[] batch : batcher.batches(lengths)) {
      List<long[]> rows = new ArrayList<>(batch.length);
      for (int i : batch) {
        rows.add(ids.get(i));
      }
      TokenBatch tokens = TokenBatch.pad(rows, padId, side);
      try (NDManager scope = parent.newSubManager()) {
        float[] flat = encode.apply(scope, tokens).toType(DataType.FLOAT32, false).toFloatArray();
        int d = flat.length / batch.length;
        for (int r = 0; r < batch.length; r++) {
          float[] v = new float[d];
          System.arraycopy(flat, r * d, v, 0, d);
          out[batch[r]] = v;
        }
      }
      progress.accept(batch.length);
    }
    return out;
  }
}
