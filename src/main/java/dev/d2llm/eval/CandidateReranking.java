package dev.d2llm.eval;

import dev.d2llm.data.CorpusFiles;
import dev.d2llm.data.RetrievalQuery;
import dev.d2llm.data.RetrievalSet;
import dev.d2llm.embedding.TextEncoder;
import dev.d2llm.embedding.TextRole;
import dev.d2llm.student.Branch;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Retrieval quality of a re-ranker (a teacher, typically) over the candidates a first stage hands
 * it: the corpus embedded once by {@code firstStage}, each judged query's cosine top {@code
 * candidates} scored by {@code reranker} and re-ordered. Scoring a cross-encoder over a whole
 * corpus per query is out of reach; this is the comparison two-stage search makes, on the same
 * candidates.
 */
public final class CandidateReranking {

  private CandidateReranking() {}

  /**
   * nDCG@10 (headline), MRR@10 and Recall@100 x100 of the re-ranked lists over the first {@code
   * maxQueries} judged queries (all when 0), with the first stage's own {@code cosine_ndcg@10} and
   * {@code cosine_recall@100} beside; {@code progress} counts passages embedded, then queries.
   */
  public static EvaluationResult evaluate(
      TextEncoder firstStage,
      PairScorer reranker,
      RetrievalSet set,
      int candidates,
      int maxQueries,
      IntConsumer progress) {
    return evaluate(firstStage, reranker, set, candidates, maxQueries, new double[0], progress);
  }

  /**
   * As {@link #evaluate(TextEncoder, PairScorer, RetrievalSet, int, int, IntConsumer)}, and for
   * each weight {@code w} of {@code cosineWeights} also the lists ranked by the re-ranker fused
   * with the first stage, {@code score + w x cosine}, as {@code fused_cos<w>_ndcg@10} and {@code
   * fused_cos<w>_recall@100} beside (the teacher {@code distill --fuse-cosine w} distils).
   */
  public static EvaluationResult evaluate(
      TextEncoder firstStage,
      PairScorer reranker,
      RetrievalSet set,
      int candidates,
      int maxQueries,
      double[] cosineWeights,
      IntConsumer progress) {
    if (candidates < 1) {
      throw new IllegalArgumentException("candidates must be >= 1, found " + candidates);
    }
    for (double w : cosineWeights) {
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("cosine weights must be finite and >= 0, found " + w);
      }
    }
    List<String> ids = new ArrayList<>(set.corpus().keySet());
    List<String> texts =
        ids.stream().map(id -> CorpusFiles.passageText(set.corpus().get(id))).toList();
    CosineCandidates cosine =
        new CosineCandidates(firstStage.embed(texts, TextRole.PASSAGE, progress), ids);
    RetrievalTotals reranked = new RetrievalTotals();
    RetrievalTotals firstStageOnly = new RetrievalTotals();
    RetrievalTotals[] fused = new RetrievalTotals[cosineWeights.length];
    for (int w = 0; w < fused.length; w++) {
      fused[w] = new RetrievalTotals();
    }
    for (RetrievalQuery q : (maxQueries > 0 ? set.firstQueries(maxQueries) : set).judgedQueries()) {
      float[] query = firstStage.embed(List.of(q.text()), TextRole.QUERY)[0];
      double[] all = cosine.cosines(query);
      int[] rows = cosine.top(all, candidates);
      List<String> top = IntStream.of(rows).mapToObj(ids::get).toList();
      Map<String, Integer> judged = set.qrels().forQuery(q.id());
      firstStageOnly.add(top.subList(0, Math.min(100, top.size())), judged);
      double[] s =
          reranker.scoreQuery(
              q.text(),
              top.stream().map(id -> CorpusFiles.passageText(set.corpus().get(id))).toList(),
              Branch.ASYMMETRIC);
      reranked.add(ranked(top, s), judged);
      for (int w = 0; w < fused.length; w++) {
        double[] f = new double[s.length];
        for (int r = 0; r < f.length; r++) {
          f[r] = s[r] + cosineWeights[w] * all[rows[r]];
        }
        fused[w].add(ranked(top, f), judged);
      }
      progress.accept(1);
    }
    Map<String, Double> before = new LinkedHashMap<>();
    before.put("cosine_ndcg@10", firstStageOnly.ndcgMean());
    before.put("cosine_recall@100", firstStageOnly.recallMean());
    for (int w = 0; w < fused.length; w++) {
      String name =
          "fused_cos" + BigDecimal.valueOf(cosineWeights[w]).stripTrailingZeros().toPlainString();
      before.put(name + "_ndcg@10", fused[w].ndcgMean());
      before.put(name + "_recall@100", fused[w].recallMean());
    }
    return reranked.result(before);
  }

  /** The first 100 of {@code top} ordered by {@code scores}, best first, ties by id. */
  private static List<String> ranked(List<String> top, double[] scores) {
    return IntStream.range(0, top.size())
        .boxed()
        .sorted(Comparator.comparingDouble((Integer r) -> -scores[r]).thenComparing(top::get))
        .limit(100)
        .map(top::get)
        .toList();
  }
}
