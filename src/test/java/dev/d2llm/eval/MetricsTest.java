package dev.d2llm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

/** Metrics against values scipy and scikit-learn give for the same inputs (worked by hand here). */
class MetricsTest {

  @Test
  void pearsonOfALinearRelationIsOne() {
    assertThat(Metrics.pearson(new double[] {1, 2, 3, 4}, new double[] {3, 5, 7, 9}))
        .isCloseTo(1.0, offset(1e-12));
    assertThat(Metrics.pearson(new double[] {1, 2, 3}, new double[] {3, 1, 2}))
        .isCloseTo(-0.5, offset(1e-12));
  }

  @Test
  void spearmanAveragesTiedRanks() {
    // ranks of x: 1, 2.5, 2.5, 4; of y: 1, 2, 3, 4 -> pearson of the ranks
    double rho = Metrics.spearman(new double[] {1, 2, 2, 3}, new double[] {10, 20, 30, 40});
    assertThat(rho).isCloseTo(0.9486832980505138, offset(1e-12));
    assertThat(Metrics.ranks(new double[] {5, 1, 5})).containsExactly(2.5, 1, 2.5);
  }

  @Test
  void averagePrecisionMatchesScikitLearn() {
    // sklearn.metrics.average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.8333...
    assertThat(Metrics.averagePrecision(new double[] {0.1, 0.4, 0.35, 0.8}, new int[] {0, 0, 1, 1}))
        .isCloseTo(0.8333333333333333, offset(1e-12));
  }

  @Test
  void averagePrecisionTreatsTiesAsOneThreshold() {
    // all tied: precision 0.5 at the single threshold -> AP 0.5
    assertThat(Metrics.averagePrecision(new double[] {1, 1, 1, 1}, new int[] {1, 0, 1, 0}))
        .isCloseTo(0.5, offset(1e-12));
  }

  @Test
  void bestThresholdAccuracyFindsTheSplit() {
    assertThat(
            Metrics.bestThresholdAccuracy(
                new double[] {0.1, 0.4, 0.35, 0.8}, new int[] {0, 0, 1, 1}))
        .isCloseTo(0.75, offset(1e-12));
    assertThat(
            Metrics.bestThresholdAccuracy(
                new double[] {0.1, 0.2, 0.3, 0.8}, new int[] {0, 0, 1, 1}))
        .isEqualTo(1.0);
  }
}
