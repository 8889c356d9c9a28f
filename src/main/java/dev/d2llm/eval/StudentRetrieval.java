package dev.d2llm.eval;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.d2llm.data.CorpusFiles;
import dev.d2llm.data.RetrievalQuery;
import dev.d2llm.data.RetrievalSet;
import dev.d2llm.embedding.TextEncoder;
import dev.d2llm.embedding.TextRole;
import dev.d2llm.student.Branch;
import dev.d2llm.student.Student;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Retrieval quality of a student as search serves it: the corpus embedded once, each judged query
 * ranked by cosine over the whole corpus, and its top {@code candidates} re-ranked by the IEM on
 * the asymmetric branch (two-stage search); with {@code candidates} at the corpus size, the exact
 * D2LLM ranking. The ranking metrics are those of {@link Evaluation#retrieval}, with the first
 * stage's own (the cosine ranking's nDCG@10 and Recall@100) beside them.
 */
public final class StudentRetrieval {

  private StudentRetrieval() {}

  /**
   * nDCG@10 (headline), MRR@10 and Recall@100 x100 over the first {@code maxQueries} judged queries
   * (all when 0 or more than there are); {@code progress} counts passages embedded, then queries.
   */
  public static EvaluationResult twoStage(
      Student student, RetrievalSet set, int candidates, int maxQueries, IntConsumer progress) {
    return twoStage(student, student, set, candidates, maxQueries, progress);
  }

  /**
   * As {@link #twoStage(Student, RetrievalSet, int, int, IntConsumer)}, with the student's vectors
   * taken from {@code vectors} (a cache of a frozen student's, during training).
   */
  public static EvaluationResult twoStage(
      Student student,
      TextEncoder vectors,
      RetrievalSet set,
      int candidates,
      int maxQueries,
      IntConsumer progress) {
    return twoStage(student, vectors, set, candidates, maxQueries, false, progress);
  }

  /**
   * As {@link #twoStage(Student, RetrievalSet, int, int, IntConsumer)}; with {@code withExact}, the
   * exact ranking's nDCG@10 and Recall@100 too (the IEM over every passage, {@code exact_}
   * metrics), from the same embedded corpus.
   */
  public static EvaluationResult twoStage(
      Student student,
      TextEncoder vectors,
      RetrievalSet set,
      int candidates,
      int maxQueries,
      boolean withExact,
      IntConsumer progress) {
    if (candidates < 1) {
      throw new IllegalArgumentException("candidates must be >= 1, found " + candidates);
    }
    List<String> ids = new ArrayList<>(set.corpus().keySet());
    List<String> texts =
        ids.stream().map(id -> CorpusFiles.passageText(set.corpus().get(id))).toList();
    float[][] passages = vectors.embed(texts, TextRole.PASSAGE, progress);
    CosineCandidates cosineStage = new CosineCandidates(passages, ids);
    List<RetrievalQuery> queries =
        (maxQueries > 0 ? set.firstQueries(maxQueries) : set).judgedQueries();
    int d = student.dimension();
    int c = Math.min(candidates, ids.size());
    RetrievalTotals reranked = new RetrievalTotals();
    RetrievalTotals firstStageOnly = new RetrievalTotals();
    RetrievalTotals exact = new RetrievalTotals();
    int[] everyPassage = withExact ? IntStream.range(0, ids.size()).toArray() : null;
    for (RetrievalQuery q : queries) {
      float[] query = vectors.embed(List.of(q.text()), TextRole.QUERY)[0];
      int[] top = cosineStage.top(query, c);
      Map<String, Integer> judged = set.qrels().forQuery(q.id());
      List<String> firstStage = IntStream.of(top).limit(100).mapToObj(ids::get).toList();
      firstStageOnly.add(firstStage, judged);
      List<String> ranked = rerank(logits(student, query, passages, top, d), top, ids);
      reranked.add(ranked, judged);
      if (withExact) {
        exact.add(
            rerank(logits(student, query, passages, everyPassage, d), everyPassage, ids), judged);
      }
      progress.accept(1);
    }
    // The first stage alone: the student's cosine ranking (a residual student's, untrained, is its
    // backbone's).
    Map<String, Double> cosine = new LinkedHashMap<>();
    cosine.put("cosine_ndcg@10", firstStageOnly.ndcgMean());
    cosine.put("cosine_recall@100", firstStageOnly.recallMean());
    if (withExact) {
      cosine.put("exact_ndcg@10", exact.ndcgMean());
      cosine.put("exact_recall@100", exact.recallMean());
    }
    return reranked.result(cosine);
  }

  /** The top 100 of {@code rows} by logit, ties broken by passage id. */
  private static List<String> rerank(float[] logits, int[] rows, List<String> ids) {
    return IntStream.range(0, rows.length)
        .boxed()
        .sorted(
            Comparator.comparingDouble((Integer r) -> -logits[r])
                .thenComparing(r -> ids.get(rows[r])))
        .limit(100)
        .map(r -> ids.get(rows[r]))
        .toList();
  }

  private static float[] logits(
      Student student, float[] query, float[][] passages, int[] rows, int d) {
    float[] flat = new float[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(passages[rows[i]], 0, flat, i * d, d);
    }
    try (NDManager scope = student.manager().newSubManager()) {
      var q = scope.create(query, new Shape(1, d)).repeat(0, rows.length);
      var p = scope.create(flat, new Shape(rows.length, d));
      return student.score(null, q, p, Branch.ASYMMETRIC, false).logits().toFloatArray();
    }
  }
}
