package dev.d2llm.eval;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The metrics MTEB reports for STS and pair classification, computed as its reference code does:
 * Pearson and Spearman correlations (ties get their average rank), average precision, and the
 * accuracy at the best threshold.
 */
public final class Metrics {

  private Metrics() {}

  /** Pearson's r of two equally long series. */
  public static double pearson(double[] x, double[] y) {
    check(x, y);
    double mx = Arrays.stream(x).average().orElse(0);
    double my = Arrays.stream(y).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxx == 0 || syy == 0 ? 0 : sxy / Math.sqrt(sxx * syy);
  }

  /** Spearman's rho: Pearson's r of the ranks, ties sharing their average rank. */
  public static double spearman(double[] x, double[] y) {
    check(x, y);
    return pearson(ranks(x), ranks(y));
  }

  /**
   * Average precision of {@code scores} for binary {@code labels} (1 relevant): the mean of the
   * precision at each relevant item, items ranked by descending score (scikit-learn's definition).
   */
  public static double averagePrecision(double[] scores, int[] labels) {
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(
          "scores and labels differ in length: " + scores.length + " vs " + labels.length);
    }
    Integer[] order = descending(scores);
    int positives = (int) Arrays.stream(labels).filter(l -> l == 1).count();
    if (positives == 0) {
      return 0;
    }
    double ap = 0;
    int seen = 0;
    int hits = 0;
    // Items with equal scores form one threshold step, as in scikit-learn.
    for (int i = 0; i < order.length; ) {
      int j = i;
      int stepHits = 0;
      while (j < order.length && scores[order[j]] == scores[order[i]]) {
        stepHits += labels[order[j]] == 1 ? 1 : 0;
        j++;
      }
      seen += j - i;
      hits += stepHits;
      ap += (double) stepHits / positives * hits / seen;
      i = j;
    }
    return ap;
  }

  /** The best accuracy over all thresholds "score >= t means 1". */
  public static double bestThresholdAccuracy(double[] scores, int[] labels) {
    Integer[] order = descending(scores);
    int negatives = (int) Arrays.stream(labels).filter(l -> l != 1).count();
    int correct = negatives; // threshold above every score: all predicted 0
    int best = correct;
    for (int i = 0; i < order.length; ) {
      int j = i;
      while (j < order.length && scores[order[j]] == scores[order[i]]) {
        correct += labels[order[j]] == 1 ? 1 : -1;
        j++;
      }
      best = Math.max(best, correct);
      i = j;
    }
    return (double) best / scores.length;
  }

  private static Integer[] descending(double[] scores) {
    Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]));
    return order;
  }

  static double[] ranks(double[] x) {
    Integer[] order = IntStream.range(0, x.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> x[i]));
    double[] r = new double[x.length];
    for (int i = 0; i < order.length; ) {
      int j = i;
      while (j < order.length && x[order[j]] == x[order[i]]) {
        j++;
      }
      double rank = (i + j - 1) / 2.0 + 1;
      for (int k = i; k < j; k++) {
        r[order[k]] = rank;
      }
      i = j;
    }
    return r;
  }

  private static void check(double[] x, double[] y) {
    if (x.length != y.length || x.length < 2) {
      throw new IllegalArgumentException(
          "need two series of equal length >= 2, found " + x.length + " and " + y.length);
    }
  }
}
