package dev.d2llm.bench;

import dev.d2llm.embedding.SentenceEncoder;
import dev.d2llm.eval.RetrievalMetrics;
import dev.d2llm.search.Searcher;
import dev.d2llm.search.TopK;
import dev.d2llm.student.Branch;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * How much of the exact D2LLM ranking two-stage search keeps: for each number of cosine candidates,
 * recall@k of the IEM's re-ranked candidates against the IEM scoring every passage, and what each
 * costs per query. A query is encoded once and its encoding time is added to every stage's, so the
 * latencies are end to end without re-encoding noise between rows. With relevance judgements it
 * also reports nDCG@k of each ranking, of the exact scan and of the cosine scan alone, which says
 * whether getting closer to the exact ranking is worth its cost.
 */
public final class RecallBenchmark {

  /**
   * One candidates setting: mean recall@k against the exact scan, latency percentiles including
   * encoding, and mean nDCG@k (NaN without judgements).
   */
  public record Row(int candidates, double recall, double p50Ms, double p99Ms, double ndcg) {}

  /**
   * A run: queries, k, the exact scan's latency percentiles (encoding included), one row per
   * candidates setting, and the mean nDCG@k of the exact scan and of the cosine scan alone (NaN
   * without judgements).
   */
  public record Report(
      int queries,
      int k,
      double exactP50Ms,
      double exactP99Ms,
      double encodeP50Ms,
      List<Row> rows,
      double exactNdcg,
      double cosineNdcg) {
    public Report {
      rows = List.copyOf(rows);
    }

    /** The smallest candidates setting whose recall reaches {@code target}, if any does. */
    public Optional<Row> smallestReaching(double target) {
      return rows.stream().filter(r -> r.recall() >= target).findFirst();
    }
  }

  private final Searcher searcher;
  private final PrintStream log;

  public RecallBenchmark(Searcher searcher, PrintStream log) {
    this.searcher = Objects.requireNonNull(searcher, "searcher");
    this.log = Objects.requireNonNull(log, "log");
  }

  /**
   * Measures every setting in {@code candidates} (ascending) on every query; reports queries done.
   */
  public Report run(
      List<String> queries, List<Integer> candidates, int k, Branch branch, IntConsumer progress) {
    return run(queries, null, candidates, k, branch, progress);
  }

  /**
   * The same, with {@code judgements.get(i)} the graded relevance of passage ids for query i (or
   * {@code judgements} null), for nDCG@k.
   */
  public Report run(
      List<String> queries,
      List<Map<String, Integer>> judgements,
      List<Integer> candidates,
      int k,
      Branch branch,
      IntConsumer progress) {
    if (queries.isEmpty() || candidates.isEmpty() || k <= 0) {
      throw new IllegalArgumentException(
          "need queries, candidates settings and k > 0, found "
              + queries.size()
              + " queries, "
              + candidates
              + ", k="
              + k);
    }
    if (judgements != null && judgements.size() != queries.size()) {
      throw new IllegalArgumentException(
          judgements.size() + " judgement sets for " + queries.size() + " queries");
    }
    int count = searcher.index().count();
    int topK = Math.min(k, count);
    float[] first =
        searcher.queryVector(queries.get(0)); // warm-up: JIT, allocator, the engine's threads
    searcher.iemTop(first, topK, branch);
    candidates.forEach(c -> twoStage(first, Math.min(Math.max(c, topK), count), topK, branch));
    double[] encode = new double[queries.size()];
    double[] exact = new double[queries.size()];
    double[][] ms = new double[candidates.size()][queries.size()];
    double[] recall = new double[candidates.size()];
    double[] ndcg = new double[candidates.size()];
    double exactNdcg = 0;
    double cosineNdcg = 0;
    for (int q = 0; q < queries.size(); q++) {
      long t0 = System.nanoTime();
      float[] vector = searcher.queryVector(queries.get(q));
      encode[q] = millis(t0);
      t0 = System.nanoTime();
      int[] truth = searcher.iemTop(vector, topK, branch).rows();
      exact[q] = encode[q] + millis(t0);
      Map<String, Integer> judged = judgements == null ? null : judgements.get(q);
      if (judged != null) {
        exactNdcg += ndcg(truth, judged, topK);
        cosineNdcg +=
            ndcg(searcher.cosineTop(SentenceEncoder.unit(vector), topK).rows(), judged, topK);
      }
      for (int c = 0; c < candidates.size(); c++) {
        t0 = System.nanoTime();
        int[] rows =
            twoStage(vector, Math.min(Math.max(candidates.get(c), topK), count), topK, branch);
        ms[c][q] = encode[q] + millis(t0);
        recall[c] += SearchBenchmark.overlap(truth, rows);
        if (judged != null) {
          ndcg[c] += ndcg(rows, judged, topK);
        }
      }
      progress.accept(1);
    }
    double judgedQueries = judgements == null ? Double.NaN : queries.size();
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < candidates.size(); c++) {
      rows.add(
          new Row(
              candidates.get(c),
              recall[c] / queries.size(),
              SearchBenchmark.percentile(ms[c], 50),
              SearchBenchmark.percentile(ms[c], 99),
              ndcg[c] / judgedQueries));
    }
    Report r =
        new Report(
            queries.size(),
            topK,
            SearchBenchmark.percentile(exact, 50),
            SearchBenchmark.percentile(exact, 99),
            SearchBenchmark.percentile(encode, 50),
            rows,
            exactNdcg / judgedQueries,
            cosineNdcg / judgedQueries);
    log.printf(
        Locale.ROOT,
        "%d queries over %d passages, %s branch; encoding p50 %.2f ms%n",
        r.queries(),
        count,
        branch.name().toLowerCase(Locale.ROOT),
        r.encodeP50Ms());
    String ndcgHeader =
        judgements == null ? "" : String.format(Locale.ROOT, " %10s", "ndcg@" + topK);
    log.printf(
        Locale.ROOT,
        "%-12s %10s %10s %10s%s%n",
        "candidates",
        "recall@" + topK,
        "p50_ms",
        "p99_ms",
        ndcgHeader);
    for (Row row : rows) {
      log.printf(
          Locale.ROOT,
          "%-12d %10.4f %10.2f %10.2f%s%n",
          row.candidates(),
          row.recall(),
          row.p50Ms(),
          row.p99Ms(),
          ndcgColumn(judgements, row.ndcg()));
    }
    log.printf(
        Locale.ROOT,
        "%-12s %10.4f %10.2f %10.2f%s%n",
        "exact (IEM)",
        1.0,
        r.exactP50Ms(),
        r.exactP99Ms(),
        ndcgColumn(judgements, r.exactNdcg()));
    if (judgements != null) {
      log.printf(
          Locale.ROOT,
          "%-12s %10s %10s %10s%s%n",
          "cosine only",
          "",
          "",
          "",
          ndcgColumn(judgements, r.cosineNdcg()));
    }
    return r;
  }

  /** The two-stage ranking as {@link Searcher#search} computes it, on an already encoded query. */
  private int[] twoStage(float[] vector, int candidates, int k, Branch branch) {
    int[] rows = searcher.cosineTop(SentenceEncoder.unit(vector), candidates).rows();
    float[] logits = searcher.iemLogits(vector, rows, branch);
    TopK top = new TopK(k);
    for (int i = 0; i < rows.length; i++) {
      top.offer(logits[i], rows[i]);
    }
    return top.order().rows();
  }

  private double ndcg(int[] rows, Map<String, Integer> judged, int k) {
    List<String> ids = new ArrayList<>(rows.length);
    for (int row : rows) {
      ids.add(searcher.index().ids().get(row));
    }
    return RetrievalMetrics.ndcg(ids, judged, k);
  }

  private static String ndcgColumn(List<?> judgements, double v) {
    return judgements == null ? "" : String.format(Locale.ROOT, " %10.4f", v);
  }

  private static double millis(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }
}
