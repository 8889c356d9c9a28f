package dev.d2llm.search;

import java.util.Arrays;

/**
 * The k best (score, row) pairs seen so far, kept in a min-heap on primitive arrays; ties go to the
 * lower row so results are deterministic.
 */
public final class TopK {

  private final int k;
  private final float[] scores;
  private final int[] rows;
  private int size;

  public TopK(int k) {
    if (k <= 0) {
      throw new IllegalArgumentException("k must be > 0, found " + k);
    }
    this.k = k;
    this.scores = new float[k];
    this.rows = new int[k];
  }

  /** Offers a block of scores for rows {@code firstRow, firstRow + 1, ...}. */
  public void offer(float[] blockScores, int length, int firstRow) {
    for (int i = 0; i < length; i++) {
      offer(blockScores[i], firstRow + i);
    }
  }

  /** Offers one row's score. */
  public void offer(float score, int row) {
    if (size < k) {
      scores[size] = score;
      rows[size] = row;
      siftUp(size++);
    } else if (better(score, row, scores[0], rows[0])) {
      scores[0] = score;
      rows[0] = row;
      siftDown(0);
    }
  }

  /** Merges another TopK's entries into this one. */
  public void addAll(TopK other) {
    for (int i = 0; i < other.size; i++) {
      offer(other.scores[i], other.rows[i]);
    }
  }

  /** The kept rows, best first. */
  public int[] rows() {
    return order().rows;
  }

  /** The kept (row, score) pairs, best first. */
  public Ranked order() {
    Integer[] idx = new Integer[size];
    for (int i = 0; i < size; i++) {
      idx[i] = i;
    }
    Arrays.sort(
        idx, (a, b) -> better(scores[a], rows[a], scores[b], rows[b]) ? -1 : a.equals(b) ? 0 : 1);
    int[] r = new int[size];
    float[] s = new float[size];
    for (int i = 0; i < size; i++) {
      r[i] = rows[idx[i]];
      s[i] = scores[idx[i]];
    }
    return new Ranked(r, s);
  }

  /** Rows and their scores, best first. */
  public record Ranked(int[] rows, float[] scores) {}

  private static boolean better(float s1, int r1, float s2, int r2) {
    return s1 > s2 || (s1 == s2 && r1 < r2);
  }

  private void siftUp(int i) {
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (!better(scores[parent], rows[parent], scores[i], rows[i])) {
        break;
      }
      swap(i, parent);
      i = parent;
    }
  }

  private void siftDown(int i) {
    while (true) {
      int l = 2 * i + 1;
      int r = l + 1;
      int worst = i;
      if (l < size && better(scores[worst], rows[worst], scores[l], rows[l])) {
        worst = l;
      }
      if (r < size && better(scores[worst], rows[worst], scores[r], rows[r])) {
        worst = r;
      }
      if (worst == i) {
        return;
      }
      swap(i, worst);
      i = worst;
    }
  }

  private void swap(int a, int b) {
    float s = scores[a];
    scores[a] = scores[b];
    scores[b] = s;
    int r = rows[a];
    rows[a] = rows[b];
    rows[b] = r;
  }
}
