package dev.d2llm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.d2llm.data.CorpusDocument;
import dev.d2llm.data.LabelledPair;
import dev.d2llm.data.NliLabel;
import dev.d2llm.data.PairSet;
import dev.d2llm.data.PairTask;
import dev.d2llm.data.Qrels;
import dev.d2llm.data.RetrievalQuery;
import dev.d2llm.data.RetrievalSet;
import dev.d2llm.student.Branch;
import dev.d2llm.teacher.TextPair;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/** The protocols with a scorer whose answers are known: shared letters between the two texts. */
class EvaluationTest {

  private static final PairScorer OVERLAP =
      new PairScorer() {
        @Override
        public double[] score(List<TextPair> pairs, Branch branch, IntConsumer progress) {
          return pairs.stream()
              .mapToDouble(p -> p.query().chars().filter(c -> p.passage().indexOf(c) >= 0).count())
              .toArray();
        }
      };

  @Test
  void stsReportsBothCorrelationsTimesHundredWithSpearmanLast() {
    PairSet set =
        new PairSet(
            Path.of("t.tsv"),
            PairTask.STS,
            List.of(
                new LabelledPair("abc", "abc", 5),
                new LabelledPair("abc", "abx", 3),
                new LabelledPair("abc", "xyz", 0)));

    EvaluationResult r = Evaluation.sts(OVERLAP, set, n -> {});

    assertThat(r.value()).isCloseTo(100.0, offset(1e-9));
    assertThat(r.lines()).endsWith("spearman=100.00").contains("pearson=");
  }

  @Test
  void nliDropsNeutralAndScoresEntailmentAgainstContradiction() {
    PairSet set =
        new PairSet(
            Path.of("t.tsv"),
            PairTask.NLI,
            List.of(
                new LabelledPair("abc", "abc", NliLabel.ENTAILMENT.value()),
                new LabelledPair("abc", "xyz", NliLabel.CONTRADICTION.value()),
                new LabelledPair("abc", "abz", NliLabel.NEUTRAL.value())));

    EvaluationResult r = Evaluation.pairClassification(OVERLAP, set, n -> {});

    assertThat(r.headline()).isEqualTo("ap");
    assertThat(r.value()).isCloseTo(100.0, offset(1e-9));
    assertThat(r.metrics().get("accuracy")).isCloseTo(100.0, offset(1e-9));
  }

  @Test
  void retrievalRanksTheWholeCorpus() {
    RetrievalSet set =
        new RetrievalSet(
            Map.of(
                "d1",
                new CorpusDocument("d1", "", "xyz"),
                "d2",
                new CorpusDocument("d2", "", "abq"),
                "d3",
                new CorpusDocument("d3", "", "abc")),
            Map.of("q1", new RetrievalQuery("q1", "abc")),
            new Qrels(Map.of("q1", Map.of("d3", 1))));

    EvaluationResult r = Evaluation.retrieval(OVERLAP, set, n -> {});

    assertThat(r.headline()).isEqualTo("ndcg@10");
    assertThat(r.value()).isCloseTo(100.0, offset(1e-9));
    assertThat(r.metrics().get("mrr@10")).isCloseTo(100.0, offset(1e-9));
  }
}
