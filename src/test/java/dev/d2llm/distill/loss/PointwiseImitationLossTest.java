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

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PointwiseImitationLossTest {

  private final NDManager root = NDManager.newBaseManager();

  @AfterEach
  void close() {
    root.close();
  }

  /** Mean over every pair of -(s log sigmoid(z) + (1 - s) log(1 - sigmoid(z))), written out. */
  private static double byHand(double[] z, double[] s) {
    double total = 0;
    for (int i = 0; i < z.length; i++) {
      double p = 1 / (1 + Math.exp(-z[i]));
      total += -(s[i] * Math.log(p) + (1 - s[i]) * Math.log(1 - p));
    }
    return total / z.length;
  }

  private static double[] concat(double[] a, double[][] b, double[][] c) {
    return java.util.stream.DoubleStream.concat(
            java.util.stream.DoubleStream.of(a),
            java.util.stream.DoubleStream.concat(
                java.util.Arrays.stream(b).flatMapToDouble(java.util.Arrays::stream),
                java.util.Arrays.stream(c).flatMapToDouble(java.util.Arrays::stream)))
        .toArray();
  }

  @Test
  void equalsBinaryCrossEntropyToTheTeachersProbabilityOverEveryPair() {
    try (NDManager m = root.newSubManager()) {
      float loss =
          PointwiseImitationLoss.compute(
                  new NDArray[] {
                    array(m, POSITIVE_LOGITS), array(m, HARD_LOGITS), array(m, EASY_LOGITS)
                  },
                  new NDArray[] {
                    array(m, POSITIVE_TEACHER), array(m, HARD_TEACHER), array(m, EASY_TEACHER)
                  })
              .getFloat();
      double expected =
          byHand(
              concat(POSITIVE_LOGITS, HARD_LOGITS, EASY_LOGITS),
              concat(POSITIVE_TEACHER, HARD_TEACHER, EASY_TEACHER));
      assertThat((double) loss).isCloseTo(expected, within(1e-5));
    }
  }

  @Test
  void shiftingOneQuerysLogitsChangesIt() {
    // What the paper's terms cannot see: the same ranking at another offset.
    try (NDManager m = root.newSubManager()) {
      NDArray teacher = array(m, HARD_TEACHER);
      float base =
          PointwiseImitationLoss.compute(
                  new NDArray[] {array(m, HARD_LOGITS)}, new NDArray[] {teacher})
              .getFloat();
      NDArray shifted = array(m, HARD_LOGITS).add(m.create(new float[] {3f, 0f}, new Shape(2, 1)));
      float moved =
          PointwiseImitationLoss.compute(new NDArray[] {shifted}, new NDArray[] {teacher})
              .getFloat();
      assertThat(moved).isGreaterThan(base + 0.1f);
    }
  }

  @Test
  void extremeLogitsStayFinite() {
    try (NDManager m = root.newSubManager()) {
      float loss =
          PointwiseImitationLoss.compute(
                  new NDArray[] {m.create(new float[] {200f, -200f})},
                  new NDArray[] {m.create(new float[] {1f, 0f})})
              .getFloat();
      assertThat(loss).isCloseTo(0f, within(1e-6f));
    }
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    GradientCheck.assertMatchesFiniteDifferences(
        root,
        in ->
            PointwiseImitationLoss.compute(
                new NDArray[] {in.get(0), in.get(1)},
                new NDArray[] {
                  array(in.get(0).getManager(), POSITIVE_TEACHER),
                  array(in.get(0).getManager(), HARD_TEACHER)
                }),
        Fixtures.input("z+", POSITIVE_LOGITS),
        Fixtures.input("zk", HARD_LOGITS));
  }

  @Test
  void refusesTeacherOfAnotherShape() {
    try (NDManager m = root.newSubManager()) {
      assertThatThrownBy(
              () ->
                  PointwiseImitationLoss.compute(
                      new NDArray[] {array(m, HARD_LOGITS)},
                      new NDArray[] {array(m, POSITIVE_TEACHER)}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("PI teacher");
    }
  }
}
