package dev.d2llm.embedding;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Groups sequences of similar length so that padding wastes little compute: sorted by length, cut
 * into batches bounded by a token budget (rows × longest row) and a row count. A batch holds at
 * least {@code minRows} rows (fewer only at the end), whatever the budget, so long passages still
 * share a batch.
 */
public record LengthBatcher(int tokenBudget, int maxRows, int minRows) {

  /**
   * The batching that measured fastest on this project's 2-core AMD CPU for bge-small
   * (docs/speed.md), since each layer's intermediates are freed as it returns: 2,048 tokens per
   * batch, at least 4 rows (471.6 sentences/s against 362.9 at 1,024 tokens; 12.9 passages of 512
   * tokens/s against 6.7).
   */
  public static final LengthBatcher DEFAULT = new LengthBatcher(2048, 256, 4);

  public LengthBatcher {
    if (tokenBudget < 1 || maxRows < 1 || minRows < 1 || minRows > maxRows) {
      throw new IllegalArgumentException(
          "need tokenBudget >= 1 and 1 <= minRows <= maxRows, found "
              + tokenBudget
              + ", "
              + minRows
              + ", "
              + maxRows);
    }
  }

  /** A batcher bounded by the token budget and the row count alone. */
  public LengthBatcher(int tokenBudget, int maxRows) {
    this(tokenBudget, maxRows, 1);
  }

  /** Index lists into {@code lengths}, one per batch, longest first. */
  public List<int[]> batches(int[] lengths) {
    Integer[] order = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
    java.util.Arrays.sort(order, Comparator.comparingInt((Integer i) -> lengths[i]).reversed());
    List<int[]> out = new ArrayList<>();
    int start = 0;
    while (start < order.length) {
      int longest = lengths[order[start]];
      int rows = Math.max(minRows, Math.min(maxRows, tokenBudget / Math.max(1, longest)));
      int end = Math.min(order.length, start + rows);
      int[] batch = new int[end - start];
      for (int i = start; i < end; i++) {
        batch[i - start] = order[i];
      }
      out.add(batch);
      start = end;
    }
    return out;
  }
}
