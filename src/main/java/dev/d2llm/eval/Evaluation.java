package dev.d2llm.eval;

import dev.d2llm.data.LabelledPair;
import dev.d2llm.data.PairSet;
import dev.d2llm.data.RetrievalQuery;
import dev.d2llm.data.RetrievalSet;
import dev.d2llm.student.Branch;
import dev.d2llm.teacher.TextPair;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The evaluation protocols: STS (Spearman and Pearson x100), pair classification and NLI (average
 * precision and best-threshold accuracy x100; NLI keeps entailment = 1, contradiction = 0, drops
 * neutral), retrieval (nDCG@10, MRR@10, Recall@100 x100 over the whole corpus).
 */
public final class Evaluation {

  private Evaluation() {}

  /** Correlation of the scores with the gold similarity. */
  public static EvaluationResult sts(PairScorer scorer, PairSet set, IntConsumer progress) {
    List<LabelledPair> pairs = set.pairs();
    double[] s = scorer.score(toPairs(pairs), Branch.SYMMETRIC, progress);
    double[] gold = pairs.stream().mapToDouble(LabelledPair::label).toArray();
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("pearson", 100 * Metrics.pearson(s, gold));
    m.put("spearman", 100 * Metrics.spearman(s, gold));
    return new EvaluationResult("spearman", m);
  }

  /** Average precision and accuracy of the scores for 0/1 labels (an NLI set without neutral). */
  public static EvaluationResult pairClassification(
      PairScorer scorer, PairSet set, IntConsumer progress) {
    List<LabelledPair> pairs = set.binaryPairs();
    double[] s = scorer.score(toPairs(pairs), Branch.SYMMETRIC, progress);
    int[] labels = pairs.stream().mapToInt(p -> p.label() >= 0.5 ? 1 : 0).toArray();
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("accuracy", 100 * Metrics.bestThresholdAccuracy(s, labels));
    m.put("ap", 100 * Metrics.averagePrecision(s, labels));
    return new EvaluationResult("ap", m);
  }

  /** Every judged query against the whole corpus on the asymmetric branch. */
  public static EvaluationResult retrieval(
      PairScorer scorer, RetrievalSet set, IntConsumer progress) {
    List<String> ids = new ArrayList<>(set.corpus().keySet());
    List<String> texts =
        ids.stream()
            .map(
                id -> {
                  var d = set.corpus().get(id);
                  return d.title().isEmpty() ? d.text() : d.title() + " " + d.text();
                })
            .toList();
    RetrievalTotals totals = new RetrievalTotals();
    List<RetrievalQuery> queries = set.judgedQueries();
    for (RetrievalQuery q : queries) {
      double[] s = scorer.scoreQuery(q.text(), texts, Branch.ASYMMETRIC);
      List<String> ranked =
          IntStream.range(0, s.length)
              .boxed()
              .sorted(Comparator.comparingDouble((Integer i) -> -s[i]).thenComparing(ids::get))
              .limit(100)
              .map(ids::get)
              .toList();
      totals.add(ranked, set.qrels().forQuery(q.id()));
      progress.accept(1);
    }
    return totals.result(Map.of());
  }

  private static List<TextPair> toPairs(List<LabelledPair> pairs) {
    return pairs.stream().map(p -> new TextPair(p.text1(), p.text2())).toList();
  }
}
