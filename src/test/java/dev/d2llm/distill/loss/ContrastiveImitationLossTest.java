package dev.d2llm.distill.loss;

import static dev.d2llm.distill.loss.Fixtures.HARD_LOGITS;
import static dev.d2llm.distill.loss.Fixtures.HARD_TEACHER;
import static dev.d2llm.distill.loss.Fixtures.POSITIVE_LOGITS;
import static dev.d2llm.distill.loss.Fixtures.POSITIVE_TEACHER;
import static dev.d2llm.distill.loss.Fixtures.array;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContrastiveImitationLossTest {

  private final NDManager root = NDManager.newBaseManager();

  @AfterEach
  void close() {
    root.close();
  }

  /**
   * Mean over i of -log(e^{s+ z+/tau} / (e^{s+ z+/tau} + Σ_k e^{(1-s_k) z_k/tau})), with plain
   * exponentials.
   */
  private static double byHand(
      double[] zPos, double[] sPos, double[][] zNeg, double[][] sNeg, double tau) {
    double total = 0;
    for (int i = 0; i < zPos.length; i++) {
      double positive = Math.exp(sPos[i] * zPos[i] / tau);
      double denominator = positive;
      for (int k = 0; k < zNeg[i].length; k++) {
        denominator += Math.exp((1 - sNeg[i][k]) * zNeg[i][k] / tau);
      }
      total += -Math.log(positive / denominator);
    }
    return total / zPos.length;
  }

  private static NDArray ci(
      NDManager m, double[] zPos, double[][] zNeg, double[][] sNeg, float tau) {
    return ContrastiveImitationLoss.compute(
        array(m, zPos), array(m, POSITIVE_TEACHER), array(m, zNeg), array(m, sNeg), tau);
  }

  @Test
  void equalsTeacherWeightedContrastiveLossByHand() {
    try (NDManager m = root.newSubManager()) {
      float loss = ci(m, POSITIVE_LOGITS, HARD_LOGITS, HARD_TEACHER, 0.7f).getFloat();
      double expected = byHand(POSITIVE_LOGITS, POSITIVE_TEACHER, HARD_LOGITS, HARD_TEACHER, 0.7);
      assertThat((double) loss).isCloseTo(expected, within(1e-5));
    }
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    GradientCheck.assertMatchesFiniteDifferences(
        root,
        in -> {
          NDManager m = in.get(0).getManager();
          return ContrastiveImitationLoss.compute(
              in.get(0), array(m, POSITIVE_TEACHER), in.get(1), array(m, HARD_TEACHER), 0.7f);
        },
        Fixtures.input("zPos", POSITIVE_LOGITS),
        Fixtures.input("zNeg", HARD_LOGITS));
  }

  @Test
  void negativeTheTeacherCallsRelevantExertsNoPullOnItsLogit() {
    double[][] sNeg = {{1.0, 0.2, 0.4}, {0.3, 0.8, 0.1}};
    double[][] moved = {{25.0, -0.5, 0.1}, {0.4, 1.1, -0.7}};
    try (NDManager m = root.newSubManager()) {
      float before = ci(m, POSITIVE_LOGITS, HARD_LOGITS, sNeg, 1f).getFloat();
      float after = ci(m, POSITIVE_LOGITS, moved, sNeg, 1f).getFloat();
      assertThat(after).isEqualTo(before);
    }
    float[][] gradients =
        GradientCheck.autograd(
            root,
            in -> {
              NDManager m = in.get(0).getManager();
              return ContrastiveImitationLoss.compute(
                  array(m, POSITIVE_LOGITS),
                  array(m, POSITIVE_TEACHER),
                  in.get(0),
                  array(m, sNeg),
                  1f);
            },
            Fixtures.input("zNeg", HARD_LOGITS));
    assertThat(gradients[0][0]).isZero();
    assertThat(gradients[0][1]).isPositive();
  }

  @Test
  void teacherProbabilitiesReceiveNoGradient() {
    try (NDManager m = root.newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray sPos = array(m, POSITIVE_TEACHER);
      NDArray sNeg = array(m, HARD_TEACHER);
      NDArray zPos = array(m, POSITIVE_LOGITS);
      sPos.setRequiresGradient(true);
      sNeg.setRequiresGradient(true);
      zPos.setRequiresGradient(true);
      collector.backward(
          ContrastiveImitationLoss.compute(zPos, sPos, array(m, HARD_LOGITS), sNeg, 1f));
      assertThat(zPos.getGradient().abs().sum().getFloat()).isPositive();
      assertThat(sPos.getGradient().abs().sum().getFloat()).isZero();
      assertThat(sNeg.getGradient().abs().sum().getFloat()).isZero();
    }
  }

  @Test
  void largeLogitsStayFinite() {
    double[] zPos = {900, -900};
    double[][] zNeg = {{1000, -1000, 0}, {1000, 500, -700}};
    try (NDManager m = root.newSubManager()) {
      float loss = ci(m, zPos, zNeg, HARD_TEACHER, 1f).getFloat();
      assertThat(Float.isFinite(loss)).isTrue();
      // Query 0: positive exponent 810 against at most 300 -> ~0. Query 1: -540 against 0.7 * 1000
      // -> 1240.
      assertThat((double) loss).isCloseTo((0 + 1240) / 2.0, within(1e-2));
    }
  }

  @Test
  void refusesTeacherShapeThatDoesNotMatchNamingBoth() {
    try (NDManager m = root.newSubManager()) {
      assertThatThrownBy(
              () ->
                  ContrastiveImitationLoss.compute(
                      array(m, POSITIVE_LOGITS),
                      array(m, POSITIVE_TEACHER),
                      array(m, HARD_LOGITS),
                      m.zeros(new Shape(2, 2)),
                      1f))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("CI negative teacher")
          .hasMessageContaining("expected shape (2, 3)")
          .hasMessageContaining("found (2, 2)");
    }
  }
}
