package dev.d2llm.distill.loss;

import static dev.d2llm.distill.loss.Fixtures.STUDENT_FEATURES;
import static dev.d2llm.distill.loss.Fixtures.TEACHER_FEATURES;
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

class FeatureImitationLossTest {

  private final NDManager root = NDManager.newBaseManager();

  @AfterEach
  void close() {
    root.close();
  }

  private static double cosine(double[] a, double[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
    }
    for (double v : b) {
      nb += v * v;
    }
    return dot / Math.sqrt(na * nb);
  }

  /** Mean over queries of Σ_jl (cos_T(j,l) - cos_S(j,l))² / (K+1)², cosine by cosine. */
  private static double byHand(double[][][] student, double[][][] teacher) {
    double total = 0;
    for (int b = 0; b < student.length; b++) {
      int c = student[b].length;
      double sum = 0;
      for (int j = 0; j < c; j++) {
        for (int l = 0; l < c; l++) {
          double d = cosine(teacher[b][j], teacher[b][l]) - cosine(student[b][j], student[b][l]);
          sum += d * d;
        }
      }
      total += sum / (c * c);
    }
    return total / student.length;
  }

  @Test
  void equalsSquaredGramDistanceOverCandidatePairsByHand() {
    try (NDManager m = root.newSubManager()) {
      float loss =
          FeatureImitationLoss.compute(array(m, STUDENT_FEATURES), array(m, TEACHER_FEATURES))
              .getFloat();
      assertThat((double) loss).isCloseTo(byHand(STUDENT_FEATURES, TEACHER_FEATURES), within(1e-5));
    }
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    GradientCheck.assertMatchesFiniteDifferences(
        root,
        in ->
            FeatureImitationLoss.compute(
                in.get(0), array(in.get(0).getManager(), TEACHER_FEATURES)),
        Fixtures.input("gS", STUDENT_FEATURES));
  }

  @Test
  void identicalGramMatricesGiveZeroWhateverTheWidthsAndRowScales() {
    // The teacher's rows are the student's, each rescaled and padded with a zero column: same
    // cosines.
    double[][][] teacher = new double[2][4][4];
    for (int b = 0; b < 2; b++) {
      for (int j = 0; j < 4; j++) {
        for (int d = 0; d < 3; d++) {
          teacher[b][j][d] = (j + 1.5) * STUDENT_FEATURES[b][j][d];
        }
      }
    }
    try (NDManager m = root.newSubManager()) {
      float loss =
          FeatureImitationLoss.compute(array(m, STUDENT_FEATURES), array(m, teacher)).getFloat();
      assertThat(loss).isCloseTo(0f, within(1e-12f));
      float other =
          FeatureImitationLoss.compute(array(m, STUDENT_FEATURES), array(m, TEACHER_FEATURES))
              .getFloat();
      assertThat(other).isGreaterThan(1e-2f);
    }
  }

  @Test
  void teacherFeaturesReceiveNoGradient() {
    try (NDManager m = root.newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray student = array(m, STUDENT_FEATURES);
      NDArray teacher = array(m, TEACHER_FEATURES);
      student.setRequiresGradient(true);
      teacher.setRequiresGradient(true);
      collector.backward(FeatureImitationLoss.compute(student, teacher));
      assertThat(student.getGradient().abs().sum().getFloat()).isPositive();
      assertThat(teacher.getGradient().abs().sum().getFloat()).isZero();
    }
  }

  @Test
  void zeroFeatureRowStaysFinite() {
    try (NDManager m = root.newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray student = m.zeros(new Shape(1, 2, 3));
      student.setRequiresGradient(true);
      NDArray loss = FeatureImitationLoss.compute(student, m.ones(new Shape(1, 2, 4)));
      collector.backward(loss);
      // A zero row normalises to zero: Gram [[0,0],[0,0]] against all-ones, so the loss is 1.
      assertThat(loss.getFloat()).isEqualTo(1f);
      for (float g : student.getGradient().toFloatArray()) {
        assertThat(Float.isFinite(g)).isTrue();
      }
    }
  }

  @Test
  void refusesTeacherWithOtherCandidateCountNamingBothShapes() {
    try (NDManager m = root.newSubManager()) {
      assertThatThrownBy(
              () ->
                  FeatureImitationLoss.compute(
                      array(m, STUDENT_FEATURES), m.zeros(new Shape(2, 3, 4))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("(2, 4, n)")
          .hasMessageContaining("found (2, 3, 4)");
    }
  }
}
