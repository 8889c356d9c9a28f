package dev.d2llm.distill.loss;

import static dev.d2llm.distill.loss.Fixtures.EASY_LOGITS;
import static dev.d2llm.distill.loss.Fixtures.EASY_TEACHER;
import static dev.d2llm.distill.loss.Fixtures.HARD_LOGITS;
import static dev.d2llm.distill.loss.Fixtures.HARD_TEACHER;
import static dev.d2llm.distill.loss.Fixtures.POSITIVE_LOGITS;
import static dev.d2llm.distill.loss.Fixtures.POSITIVE_TEACHER;
import static dev.d2llm.distill.loss.Fixtures.array;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RankImitationLossTest {

  private final NDManager root = NDManager.newBaseManager();

  @AfterEach
  void close() {
    root.close();
  }

  /** Positive first, then the hard negatives: [B, 1+K]. */
  private static double[][] candidates(double[] positive, double[][] hard) {
    double[][] out = new double[positive.length][];
    for (int i = 0; i < positive.length; i++) {
      out[i] = new double[1 + hard[i].length];
      out[i][0] = positive[i];
      System.arraycopy(hard[i], 0, out[i], 1, hard[i].length);
    }
    return out;
  }

  private static final double[][] Z = candidates(POSITIVE_LOGITS, HARD_LOGITS);
  private static final double[][] S = candidates(POSITIVE_TEACHER, HARD_TEACHER);

  /**
   * Mean over rows of 1 - r, r the sample correlation (sample covariance over sample deviations).
   */
  private static double pearsonByHand(double[][] z, double[][] s) {
    double total = 0;
    for (int i = 0; i < z.length; i++) {
      int n = z[i].length;
      double meanZ = 0;
      double meanS = 0;
      for (int j = 0; j < n; j++) {
        meanZ += z[i][j] / n;
        meanS += s[i][j] / n;
      }
      double cov = 0;
      double varZ = 0;
      double varS = 0;
      for (int j = 0; j < n; j++) {
        cov += (z[i][j] - meanZ) * (s[i][j] - meanS) / (n - 1);
        varZ += (z[i][j] - meanZ) * (z[i][j] - meanZ) / (n - 1);
        varS += (s[i][j] - meanS) * (s[i][j] - meanS) / (n - 1);
      }
      total += 1 - cov / (Math.sqrt(varZ) * Math.sqrt(varS));
    }
    return total / z.length;
  }

  /** Mean over all (i, k, j) of max(0, s_ik - s_ij) * -log(1 / (1 + e^{-(z_ik - z_ij)})). */
  private static double pairwiseByHand(
      double[][] zHard, double[][] sHard, double[][] zEasy, double[][] sEasy) {
    double total = 0;
    int terms = 0;
    for (int i = 0; i < zHard.length; i++) {
      for (int k = 0; k < zHard[i].length; k++) {
        for (int j = 0; j < zEasy[i].length; j++) {
          double w = Math.max(0, sHard[i][k] - sEasy[i][j]);
          double sigmoid = 1 / (1 + Math.exp(-(zHard[i][k] - zEasy[i][j])));
          total += -w * Math.log(sigmoid);
          terms++;
        }
      }
    }
    return total / terms;
  }

  @Test
  void correlationTermEqualsOneMinusPearsonByHand() {
    try (NDManager m = root.newSubManager()) {
      float loss = RankImitationLoss.pearson(array(m, Z), array(m, S)).getFloat();
      assertThat((double) loss).isCloseTo(pearsonByHand(Z, S), within(1e-5));
    }
  }

  @Test
  void correlationTermGradientMatchesFiniteDifferences() {
    GradientCheck.assertMatchesFiniteDifferences(
        root,
        in -> RankImitationLoss.pearson(in.get(0), array(in.get(0).getManager(), S)),
        Fixtures.input("z", Z));
  }

  @Test
  void studentThatScalesTheTeacherHasNoCorrelationLossAndReversedHasTwo() {
    double[][] scaled = new double[S.length][S[0].length];
    double[][] reversed = new double[S.length][S[0].length];
    for (int i = 0; i < S.length; i++) {
      for (int j = 0; j < S[i].length; j++) {
        scaled[i][j] = 3 * S[i][j] - 1;
        reversed[i][j] = -2 * S[i][j] + 5;
      }
    }
    try (NDManager m = root.newSubManager()) {
      assertThat(RankImitationLoss.pearson(array(m, scaled), array(m, S)).getFloat())
          .isCloseTo(0f, within(1e-6f));
      assertThat(RankImitationLoss.pearson(array(m, reversed), array(m, S)).getFloat())
          .isCloseTo(2f, within(1e-6f));
    }
  }

  @Test
  void constantStudentScoresGiveLossOneAndFiniteGradient() {
    double[][] flat = {{0.5, 0.5, 0.5, 0.5}, {-1, -1, -1, -1}};
    try (NDManager m = root.newSubManager()) {
      assertThat(RankImitationLoss.pearson(array(m, flat), array(m, S)).getFloat()).isEqualTo(1f);
    }
    float[] gradient =
        GradientCheck.autograd(
            root,
            in -> RankImitationLoss.pearson(in.get(0), array(in.get(0).getManager(), S)),
            Fixtures.input("z", flat))[0];
    for (float g : gradient) {
      assertThat(Float.isFinite(g)).isTrue();
    }
  }

  @Test
  void constantTeacherScoresGiveLossOneAndNoGradient() {
    double[][] flat = {
      {0.25, 0.25, 0.25, 0.25}, {0.75, 0.75, 0.75, 0.75}
    }; // exact in float32, so the centred values are exactly 0
    try (NDManager m = root.newSubManager()) {
      assertThat(RankImitationLoss.pearson(array(m, Z), array(m, flat)).getFloat()).isEqualTo(1f);
    }
    float[] gradient =
        GradientCheck.autograd(
            root,
            in -> RankImitationLoss.pearson(in.get(0), array(in.get(0).getManager(), flat)),
            Fixtures.input("z", Z))[0];
    for (float g : gradient) {
      assertThat(g).isZero();
    }
  }

  @Test
  void pairwiseTermEqualsWeightedLogSigmoidMeanByHand() {
    try (NDManager m = root.newSubManager()) {
      float loss =
          RankImitationLoss.pairwise(
                  array(m, HARD_LOGITS),
                  array(m, HARD_TEACHER),
                  array(m, EASY_LOGITS),
                  array(m, EASY_TEACHER))
              .getFloat();
      double expected = pairwiseByHand(HARD_LOGITS, HARD_TEACHER, EASY_LOGITS, EASY_TEACHER);
      assertThat((double) loss).isCloseTo(expected, within(1e-5));
    }
  }

  @Test
  void pairwiseTermGradientMatchesFiniteDifferences() {
    GradientCheck.assertMatchesFiniteDifferences(
        root,
        in -> {
          NDManager m = in.get(0).getManager();
          return RankImitationLoss.pairwise(
              in.get(0), array(m, HARD_TEACHER), in.get(1), array(m, EASY_TEACHER));
        },
        Fixtures.input("zHard", HARD_LOGITS),
        Fixtures.input("zEasy", EASY_LOGITS));
  }

  @Test
  void pairIsIgnoredWhenTeacherRanksTheEasyNegativeAboveTheHardOne() {
    // The student puts the easy negative far above the hard one, but the teacher agrees with it.
    double[][] zHard = {{-3.0}};
    double[][] sHard = {{0.2}};
    double[][] zEasy = {{4.0}};
    double[][] sEasy = {{0.6}};
    try (NDManager m = root.newSubManager()) {
      float loss =
          RankImitationLoss.pairwise(
                  array(m, zHard), array(m, sHard), array(m, zEasy), array(m, sEasy))
              .getFloat();
      assertThat(loss).isZero();
    }
    float[][] gradients =
        GradientCheck.autograd(
            root,
            in -> {
              NDManager m = in.get(0).getManager();
              return RankImitationLoss.pairwise(
                  in.get(0), array(m, sHard), in.get(1), array(m, sEasy));
            },
            Fixtures.input("zHard", zHard),
            Fixtures.input("zEasy", zEasy));
    assertThat(gradients[0][0]).isZero();
    assertThat(gradients[1][0]).isZero();
  }

  @Test
  void pairwiseTermAveragesOverEveryQueryHardEasyTriple() {
    // B=1, K=2, E=2: only (hard 0, easy 1) has positive weight 0.5, at margin 0 (-log sigmoid = log
    // 2).
    double[][] zHard = {{1.0, 2.0}};
    double[][] sHard = {{0.6, 0.1}};
    double[][] zEasy = {{3.0, 1.0}};
    double[][] sEasy = {{0.9, 0.1}};
    try (NDManager m = root.newSubManager()) {
      float loss =
          RankImitationLoss.pairwise(
                  array(m, zHard), array(m, sHard), array(m, zEasy), array(m, sEasy))
              .getFloat();
      assertThat((double) loss).isCloseTo(0.5 * Math.log(2) / 4, within(1e-6));
    }
  }

  @Test
  void pairwiseGradientIsExactAtZeroMargin() {
    // d/dz_hard of w * softplus(-(z_hard - z_easy)) at margin 0 is -w * sigmoid(0) = -w / 2.
    double[][] zHard = {{0.7}};
    double[][] sHard = {{0.9}};
    double[][] zEasy = {{0.7}};
    double[][] sEasy = {{0.1}};
    float[][] gradients =
        GradientCheck.autograd(
            root,
            in -> {
              NDManager m = in.get(0).getManager();
              return RankImitationLoss.pairwise(
                  in.get(0), array(m, sHard), in.get(1), array(m, sEasy));
            },
            Fixtures.input("zHard", zHard),
            Fixtures.input("zEasy", zEasy));
    assertThat(gradients[0][0]).isCloseTo(-0.4f, within(1e-6f));
    assertThat(gradients[1][0]).isCloseTo(0.4f, within(1e-6f));
  }

  @Test
  void pairwiseTermStaysFiniteForLargeMargins() {
    try (NDManager m = root.newSubManager()) {
      float wrong =
          RankImitationLoss.pairwise(
                  m.create(new float[] {-500f}, new Shape(1, 1)),
                      m.create(new float[] {0.75f}, new Shape(1, 1)),
                  m.create(new float[] {500f}, new Shape(1, 1)),
                      m.create(new float[] {0.25f}, new Shape(1, 1)))
              .getFloat();
      float right =
          RankImitationLoss.pairwise(
                  m.create(new float[] {500f}, new Shape(1, 1)),
                      m.create(new float[] {0.75f}, new Shape(1, 1)),
                  m.create(new float[] {-500f}, new Shape(1, 1)),
                      m.create(new float[] {0.25f}, new Shape(1, 1)))
              .getFloat();
      assertThat(wrong).isCloseTo(500f, within(1e-3f));
      assertThat(right).isZero();
    }
  }

  @Test
  void refusesEasyNegativesOfAnotherBatchSizeNamingBothShapes() {
    try (NDManager m = root.newSubManager()) {
      assertThatThrownBy(
              () ->
                  RankImitationLoss.pairwise(
                      array(m, HARD_LOGITS),
                      array(m, HARD_TEACHER),
                      m.zeros(new Shape(3, 2)),
                      m.zeros(new Shape(3, 2))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("RI-2 easy logits")
          .hasMessageContaining("expected shape (2, 2)")
          .hasMessageContaining("found (3, 2)");
    }
  }

  @Test
  void refusesCandidatesWithoutAHardNegative() {
    try (NDManager m = root.newSubManager()) {
      assertThatThrownBy(
              () -> RankImitationLoss.pearson(m.zeros(new Shape(2, 1)), m.zeros(new Shape(2, 1))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at least 2 candidates")
          .hasMessageContaining("(2, 1)");
    }
  }
}
