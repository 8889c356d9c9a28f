package dev.d2llm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Retrieval metrics worked by hand on a three-document judgement. */
class RetrievalMetricsTest {

  private static final Map<String, Integer> QRELS = Map.of("a", 2, "b", 1, "z", 0);

  @Test
  void ndcgUsesGradedGainsAndTheIdealOrder() {
    // ranked c, a, b: DCG = 2/log2(3) + 1/log2(4); ideal a, b: 2/log2(2) + 1/log2(3)
    double expected = (2 / log2(3) + 1 / log2(4)) / (2 + 1 / log2(3));
    assertThat(RetrievalMetrics.ndcg(List.of("c", "a", "b"), QRELS, 10))
        .isCloseTo(expected, offset(1e-12));
    assertThat(RetrievalMetrics.ndcg(List.of("a", "b"), QRELS, 10)).isCloseTo(1.0, offset(1e-12));
    assertThat(RetrievalMetrics.ndcg(List.of("c", "a", "b"), QRELS, 1)).isZero();
  }

  @Test
  void mrrAndRecallCountOnlyPositiveRelevance() {
    assertThat(RetrievalMetrics.mrr(List.of("z", "c", "b"), QRELS, 10))
        .isCloseTo(1.0 / 3, offset(1e-12));
    assertThat(RetrievalMetrics.recall(List.of("z", "c", "b"), QRELS, 100))
        .isCloseTo(0.5, offset(1e-12));
    assertThat(RetrievalMetrics.recall(List.of("z", "c", "b"), QRELS, 2)).isZero();
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
