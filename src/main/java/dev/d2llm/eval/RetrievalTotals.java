package dev.d2llm.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sums of the per-query retrieval metrics, and their means x100 as an evaluation result (nDCG@10
 * the headline).
 */
final class RetrievalTotals {

  private double ndcg;
  private double mrr;
  private double recall;
  private int queries;

  /** Adds one query's ranking (best first, at least its top 100) against its judgements. */
  void add(List<String> ranked, Map<String, Integer> qrels) {
    ndcg += RetrievalMetrics.ndcg(ranked, qrels, 10);
    mrr += RetrievalMetrics.mrr(ranked, qrels, 10);
    recall += RetrievalMetrics.recall(ranked, qrels, 100);
    queries++;
  }

  /** The means, with {@code before} (already x100) listed ahead of them. */
  EvaluationResult result(Map<String, Double> before) {
    int n = Math.max(1, queries);
    Map<String, Double> m = new LinkedHashMap<>(before);
    m.put("mrr@10", 100 * mrr / n);
    m.put("recall@100", 100 * recall / n);
    m.put("ndcg@10", 100 * ndcg / n);
    return new EvaluationResult("ndcg@10", m);
  }

  /** nDCG@10 x100 so far. */
  double ndcgMean() {
    return 100 * ndcg / Math.max(1, queries);
  }

  /** Recall@100 x100 so far. */
  double recallMean() {
    return 100 * recall / Math.max(1, queries);
  }
}
