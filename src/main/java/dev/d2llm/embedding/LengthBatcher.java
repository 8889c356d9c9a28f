package dev.d2llm.embedding;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Groups sequences of similar length so that padding wastes little compute: sorted by length,
 * cut into batches bounded by a token budget (rows × longest row) and a row count.
 */
public record LengthBatcher(int tokenBudget, int maxRows) {

  /** The budget that measured fastest on CPU for small encoders (see {@code d2llm bench embed}). */
  public static final LengthBatcher DEFAULT = new LengthBatcher(2048, 256);

  public LengthBatcher {
    if (tokenBudget < 1 || maxRows < 1) {
      throw new IllegalArgumentException("tokenBudget and maxRows must be >= 1, found " + tokenBudget + ", " + maxRows);
    }
  }

  /** Index lists into {@code lengths}, one per batch, longest first. */
  public List<int[]> batches(int[] lengths) {
    Integer[] order = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
    java.util.Arrays.sort(order, Comparator.comparingInt((Integer i) -> lengths[i]).reversed());
    List<int[]> out = new ArrayList<>();
    int start = 0;
    while (start < order.length) {
      int longest = lengths[order[start]];
      int rows = Math.max(1, Math.min(maxRows, tokenBudget / Math.max(1, longest)));
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
