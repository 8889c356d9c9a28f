package dev.d2llm.eval;

import dev.d2llm.data.CorpusFiles;
import dev.d2llm.data.RetrievalQuery;
import dev.d2llm.data.RetrievalSet;
import dev.d2llm.embedding.TextEncoder;
import dev.d2llm.embedding.TextRole;
import dev.d2llm.student.Branch;
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
    if (candidates < 1) {
      throw new IllegalArgumentException("candidates must be >= 1, found " + candidates);
    }
    List<String> ids = new ArrayList<>(set.corpus().keySet());
    List<String> texts =
        ids.stream().map(id -> CorpusFiles.passageText(set.corpus().get(id))).toList();
    CosineCandidates cosine =
        new CosineCandidates(firstStage.embed(texts, TextRole.PASSAGE, progress), ids);
    RetrievalTotals reranked = new RetrievalTotals();
    RetrievalTotals firstStageOnly = new RetrievalTotals();
    for (RetrievalQuery q : (maxQueries > 0 ? set.firstQueries(maxQueries) : set).judgedQueries()) {
      List<String> top =
          IntStream.of(
                  cosine.top(firstStage.embed(List.of(q.text()), TextRole.QUERY)[0], candidates))
              .mapToObj(ids::get)
              .toList();
      Map<String, Integer> judged = set.qrels().forQuery(q.id());
      firstStageOnly.add(top.subList(0, Math.min(100, top.size())), judged);
      double[] s =
          reranker.scoreQuery(
              q.text(),
              top.stream().map(id -> CorpusFiles.passageText(set.corpus().get(id))).toList(),
              Branch.ASYMMETRIC);
      reranked.add(
          IntStream.range(0, top.size())
              .boxed()
              .sorted(Comparator.comparingDouble((Integer r) -> -s[r]).thenComparing(top::get))
              .limit(100)
              .map(top::get)
              .toList(),
          judged);
      progress.accept(1);
    }
    Map<String, Double> before = new LinkedHashMap<>();
    before.put("cosine_ndcg@10", firstStageOnly.ndcgMean());
    before.put("cosine_recall@100", firstStageOnly.recallMean());
    return reranked.result(before);
  }
}
