package dev.d2llm.distill.loss;

import static dev.d2llm.distill.loss.Fixtures.IN_BATCH_LOGITS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InBatchContrastiveLossTest {

  private final NDManager root = NDManager.newBaseManager();

  @AfterEach
  void close() {
    root.close();
  }

  /** -(1/B) Σ_i log(e^{z_ii/tau} / Σ_j e^{z_ij/tau}), written out with plain exponentials. */
  private static double byHand(double[][] z, double tau) {
    double total = 0;
    for (int i = 0; i < z.length; i++) {
      double denominator = 0;
      for (int j = 0; j < z.length; j++) {
        denominator += Math.exp(z[i][j] / tau);
      }
      total += -Math.log(Math.exp(z[i][i] / tau) / denominator);
    }
    return total / z.length;
  }

  @Test
  void withHardNegativesEachQuerysOwnNegativesJoinItsSoftmax() {
    double[][] hard = {{0.3, -1.2}, {2.0, 0.1}, {-0.4, 0.9}};
    double[][] widened = new double[3][];
    for (int i = 0; i < 3; i++) {
      widened[i] = new double[5];
      System.arraycopy(IN_BATCH_LOGITS[i], 0, widened[i], 0, 3);
      System.arraycopy(hard[i], 0, widened[i], 3, 2);
    }
    double expected = 0;
    for (int i = 0; i < 3; i++) {
      double denominator = 0;
      for (double z : widened[i]) {
        denominator += Math.exp(z / 0.5);
      }
      expected += -Math.log(Math.exp(widened[i][i] / 0.5) / denominator);
    }
    expected /= 3;
    try (NDManager m = root.newSubManager()) {
      float loss =
          InBatchContrastiveLoss.withHardNegatives(
                  Fixtures.array(m, IN_BATCH_LOGITS), Fixtures.array(m, hard), 0.5f)
              .getFloat();
      assertThat((double) loss).isCloseTo(expected, within(1e-5));
      assertThat((double) loss)
          .isGreaterThan(
              InBatchContrastiveLoss.compute(Fixtures.array(m, IN_BATCH_LOGITS), 0.5f).getFloat());
    }
  }

  @Test
  void equalsMeanCrossEntropyTowardsEachQuerysOwnPositive() {
    try (NDManager m = root.newSubManager()) {
      float loss =
          InBatchContrastiveLoss.compute(Fixtures.array(m, IN_BATCH_LOGITS), 0.5f).getFloat();
      assertThat((double) loss).isCloseTo(byHand(IN_BATCH_LOGITS, 0.5), within(1e-5));
    }
  }

  @Test
  void averagesOverQueriesNotOverAllLogits() {
    try (NDManager m = root.newSubManager()) {
      // Equal logits: every query's cross-entropy is log 4; dividing by B² would give log(4)/4.
      float loss = InBatchContrastiveLoss.compute(m.zeros(new Shape(4, 4)), 1f).getFloat();
      assertThat((double) loss).isCloseTo(Math.log(4), within(1e-6));
    }
  }

  @Test
  void dominantDiagonalGivesNearZeroLoss() {
    try (NDManager m = root.newSubManager()) {
      float[] z = {10, 0, 0, 0, 10, 0, 0, 0, 10};
      float loss = InBatchContrastiveLoss.compute(m.create(z, new Shape(3, 3)), 1f).getFloat();
      // log(1 + 2e^-10) ~ 9.1e-5, against log 3 for equal logits.
      assertThat(loss).isCloseTo(0f, within(1e-4f));
    }
  }

  @Test
  void largeLogitsStayFinite() {
    try (NDManager m = root.newSubManager()) {
      float[] z = {1000, 990, 995, 1000};
      float loss = InBatchContrastiveLoss.compute(m.create(z, new Shape(2, 2)), 1f).getFloat();
      double expected = (Math.log1p(Math.exp(-10)) + Math.log1p(Math.exp(-5))) / 2;
      assertThat((double) loss).isCloseTo(expected, within(1e-5));
    }
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    GradientCheck.assertMatchesFiniteDifferences(
        root,
        in -> InBatchContrastiveLoss.compute(in.get(0), 0.5f),
        Fixtures.input("z", IN_BATCH_LOGITS));
  }

  @Test
  void refusesNonSquareLogitsNamingTheShape() {
    try (NDManager m = root.newSubManager()) {
      assertThatThrownBy(() -> InBatchContrastiveLoss.compute(m.zeros(new Shape(2, 3)), 1f))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("(B, B)")
          .hasMessageContaining("(2, 3)");
    }
  }

  @Test
  void refusesNonPositiveTemperatureNamingIt() {
    try (NDManager m = root.newSubManager()) {
      assertThatThrownBy(() -> InBatchContrastiveLoss.compute(m.zeros(new Shape(2, 2)), 0f))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("temperature")
          .hasMessageContaining("0.0");
    }
  }
}
