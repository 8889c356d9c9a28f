package dev.d2llm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import dev.d2llm.backbone.Precision;
import dev.d2llm.data.BeirFiles;
import dev.d2llm.data.RetrievalSet;
import dev.d2llm.embedding.SentenceEncoder;
import dev.d2llm.student.Branch;
import dev.d2llm.teacher.TextPair;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * A re-ranker over a first stage's cosine candidates, as the teacher is compared with two-stage
 * search.
 */
class CandidateRerankingTest {

  private static final Path BERT = Path.of("test/resources/models/tiny-bert").toAbsolutePath();
  private static final RetrievalSet TINY = BeirFiles.read(Path.of("test/resources/data/beir/tiny"));

  /**
   * Scores a pair 1 when its passage is judged relevant to its query (score > 0) in TINY, else 0: a
   * perfect judge.
   */
  private static final PairScorer ORACLE =
      new PairScorer() {
        @Override
        public double[] score(List<TextPair> pairs, Branch branch, IntConsumer progress) {
          return pairs.stream()
              .mapToDouble(
                  p ->
                      TINY.judgedQueries().stream()
                              .filter(q -> q.text().equals(p.query()))
                              .flatMap(q -> TINY.qrels().forQuery(q.id()).entrySet().stream())
                              .anyMatch(
                                  e ->
                                      e.getValue() > 0
                                          && dev.d2llm.data.CorpusFiles.passageText(
                                                  TINY.corpus().get(e.getKey()))
                                              .equals(p.passage()))
                          ? 1
                          : 0)
              .toArray();
        }
      };

  @Test
  void theFirstStageAsItsOwnRerankerChangesNothing() {
    try (SentenceEncoder encoder = SentenceEncoder.open(BERT, Device.cpu(), Precision.FP32)) {
      EvaluationResult r =
          CandidateReranking.evaluate(encoder, new CosineScorer(encoder), TINY, 100, 0, n -> {});
      EvaluationResult cosine = Evaluation.retrieval(new CosineScorer(encoder), TINY, n -> {});

      assertThat(r.metrics().get("ndcg@10"))
          .isCloseTo(cosine.metrics().get("ndcg@10"), within(1e-6));
      assertThat(r.metrics().get("cosine_ndcg@10"))
          .isCloseTo(cosine.metrics().get("ndcg@10"), within(1e-6));
    }
  }

  @Test
  void aPerfectJudgeIsPerfectOverEveryPassageButOnlyAsGoodAsItsCandidatesAllow() {
    try (SentenceEncoder encoder = SentenceEncoder.open(BERT, Device.cpu(), Precision.FP32)) {
      EvaluationResult all =
          CandidateReranking.evaluate(encoder, ORACLE, TINY, TINY.corpus().size(), 0, n -> {});
      EvaluationResult one = CandidateReranking.evaluate(encoder, ORACLE, TINY, 1, 0, n -> {});

      assertThat(all.metrics().get("ndcg@10")).isCloseTo(100, within(1e-9));
      // With one candidate the judge can only keep the cosine's first passage: recall is the
      // cosine's recall@1.
      assertThat(one.metrics().get("ndcg@10")).isLessThanOrEqualTo(all.metrics().get("ndcg@10"));
      assertThat(one.metrics().get("recall@100"))
          .isLessThanOrEqualTo(one.metrics().get("cosine_recall@100"));
    }
  }

  @Test
  void fusingWithTheCosineKeepsTheJudgeAtWeightZeroAndTurnsIntoTheCosineAtAHugeWeight() {
    // A judge that is always wrong (the oracle reversed), against a first stage that is right here.
    PairScorer reversed =
        (pairs, branch, progress) ->
            java.util.Arrays.stream(ORACLE.score(pairs, branch, progress))
                .map(v -> 1 - v)
                .toArray();
    try (SentenceEncoder encoder = SentenceEncoder.open(BERT, Device.cpu(), Precision.FP32)) {
      EvaluationResult r =
          CandidateReranking.evaluate(
              encoder, reversed, TINY, TINY.corpus().size(), 0, new double[] {0, 1e9}, n -> {});

      assertThat(r.metrics().get("ndcg@10")).isLessThan(r.metrics().get("cosine_ndcg@10"));
      assertThat(r.metrics().get("fused_cos0_ndcg@10")).isEqualTo(r.metrics().get("ndcg@10"));
      assertThat(r.metrics().get("fused_cos1000000000_ndcg@10"))
          .isCloseTo(r.metrics().get("cosine_ndcg@10"), within(1e-9));
      assertThat(r.metrics().get("fused_cos1000000000_recall@100"))
          .isCloseTo(r.metrics().get("cosine_recall@100"), within(1e-9));
    }
  }
}
