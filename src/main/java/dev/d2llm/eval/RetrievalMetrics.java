package dev.d2llm.eval;

import java.util.List;
import java.util.Map;

/**
 * Ranking metrics for one query, as BEIR's evaluation (pytrec_eval) computes them: nDCG@k with
 * graded gains (gain = relevance, discount log2(rank + 1)), MRR@k, Recall@k over relevant documents
 * (relevance > 0).
 */
public final class RetrievalMetrics {

  private RetrievalMetrics() {}

  /** nDCG@k of a ranked id list against graded relevance judgements. */
  public static double ndcg(List<String> ranked, Map<String, Integer> qrels, int k) {
    double dcg = 0;
    for (int i = 0; i < Math.min(k, ranked.size()); i++) {
      int rel = qrels.getOrDefault(ranked.get(i), 0);
      dcg += rel / log2(i + 2);
    }
    int[] ideal =
        qrels.values().stream()
            .filter(r -> r > 0)
            .sorted((a, b) -> b - a)
            .mapToInt(Integer::intValue)
            .toArray();
    double idcg = 0;
    for (int i = 0; i < Math.min(k, ideal.length); i++) {
      idcg += ideal[i] / log2(i + 2);
    }
    return idcg == 0 ? 0 : dcg / idcg;
  }

  /** Reciprocal rank of the first relevant document within the top k, else 0. */
  public static double mrr(List<String> ranked, Map<String, Integer> qrels, int k) {
    for (int i = 0; i < Math.min(k, ranked.size()); i++) {
      if (qrels.getOrDefault(ranked.get(i), 0) > 0) {
        return 1.0 / (i + 1);
      }
    }
    return 0;
  }

  /** Fraction of the relevant documents found in the top k. */
  public static double recall(List<String> ranked, Map<String, Integer> qrels, int k) {
    long relevant = qrels.values().stream().filter(r -> r > 0).count();
    if (relevant == 0) {
      return 0;
    }
    long found = ranked.stream().limit(k).filter(id -> qrels.getOrDefault(id, 0) > 0).count();
    return (double) found / relevant;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
