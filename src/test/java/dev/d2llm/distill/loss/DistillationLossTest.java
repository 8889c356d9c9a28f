package dev.d2llm.distill.loss;

import static dev.d2llm.distill.loss.Fixtures.EASY_LOGITS;
import static dev.d2llm.distill.loss.Fixtures.EASY_TEACHER;
import static dev.d2llm.distill.loss.Fixtures.HARD_LOGITS;
import static dev.d2llm.distill.loss.Fixtures.HARD_TEACHER;
import static dev.d2llm.distill.loss.Fixtures.POSITIVE_LOGITS;
import static dev.d2llm.distill.loss.Fixtures.POSITIVE_TEACHER;
import static dev.d2llm.distill.loss.Fixtures.STUDENT_FEATURES;
import static dev.d2llm.distill.loss.Fixtures.TEACHER_FEATURES;
import static dev.d2llm.distill.loss.Fixtures.array;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DistillationLossTest {

  private static final double[][] IN_BATCH = {{1.2, 0.4}, {-0.6, -0.3}};

  private final NDManager root = NDManager.newBaseManager();

  @AfterEach
  void close() {
    root.close();
  }

  private static DistillationBatch batch(NDManager m) {
    return batch(
        m,
        array(m, IN_BATCH),
        array(m, POSITIVE_LOGITS),
        array(m, HARD_LOGITS),
        array(m, EASY_LOGITS),
        array(m, STUDENT_FEATURES));
  }

  private static DistillationBatch batch(
      NDManager m,
      NDArray inBatch,
      NDArray positive,
      NDArray hard,
      NDArray easy,
      NDArray features) {
    return new DistillationBatch(
        inBatch,
        positive,
        array(m, POSITIVE_TEACHER),
        hard,
        array(m, HARD_TEACHER),
        easy,
        array(m, EASY_TEACHER),
        features,
        array(m, TEACHER_FEATURES));
  }

  @Test
  void defaultsAreTheMethodsWeightsAndUnitTemperatures() {
    assertThat(DistillationLoss.DEFAULTS)
        .isEqualTo(new DistillationLoss(1f, 1f, 0.01f, 0.001f, 1f, 1f));
  }

  @Test
  void totalIsTheWeightedSumOfTheParts() {
    DistillationLoss loss = new DistillationLoss(0.5f, 2f, 0.25f, 4f, 0.8f, 0.6f);
    try (NDManager m = root.newSubManager()) {
      DistillationBatch b = batch(m);
      LossParts parts = loss.compute(b);
      double inBatch = InBatchContrastiveLoss.compute(b.inBatchLogits(), 0.8f).getFloat();
      double ci =
          ContrastiveImitationLoss.compute(
                  b.positiveLogits(), b.positiveTeacher(), b.hardLogits(), b.hardTeacher(), 0.6f)
              .getFloat();
      double ri1 = RankImitationLoss.pearson(b.candidateLogits(), b.candidateTeacher()).getFloat();
      double ri2 =
          RankImitationLoss.pairwise(
                  b.hardLogits(), b.hardTeacher(), b.easyLogits(), b.easyTeacher())
              .getFloat();
      double fi = FeatureImitationLoss.compute(b.studentFeatures(), b.teacherFeatures()).getFloat();
      Map<String, Float> values = parts.values();
      assertThat((double) values.get("inBatch")).isCloseTo(inBatch, within(1e-6));
      assertThat((double) values.get("contrastiveImitation")).isCloseTo(ci, within(1e-6));
      assertThat((double) values.get("rankCorrelation")).isCloseTo(ri1, within(1e-6));
      assertThat((double) values.get("rankPairwise")).isCloseTo(ri2, within(1e-6));
      assertThat((double) values.get("featureImitation")).isCloseTo(fi, within(1e-6));
      assertThat((double) values.get("total"))
          .isCloseTo(inBatch + 0.5 * ci + 2 * ri1 + 0.25 * ri2 + 4 * fi, within(1e-5));
      assertThat(ci)
          .isNotCloseTo(ri1, within(1e-3)); // the parts differ, so a swapped weight would show
    }
  }

  @Test
  void candidatesArePositiveFirstThenHardNegatives() {
    try (NDManager m = root.newSubManager()) {
      DistillationBatch b = batch(m);
      assertThat(b.candidateLogits().getShape()).isEqualTo(new Shape(2, 4));
      assertThat(b.candidateLogits().toFloatArray())
          .containsExactly(1.2f, 0.8f, -0.5f, 0.1f, -0.3f, 0.4f, 1.1f, -0.7f);
      assertThat(b.candidateTeacher().toFloatArray())
          .containsExactly(0.9f, 0.7f, 0.2f, 0.4f, 0.6f, 0.3f, 0.8f, 0.1f);
    }
  }

  @Test
  void totalGradientMatchesFiniteDifferences() {
    DistillationLoss loss = new DistillationLoss(0.5f, 2f, 0.25f, 4f, 0.8f, 0.6f);
    GradientCheck.assertMatchesFiniteDifferences(
        root,
        in ->
            loss.compute(
                    batch(
                        in.get(0).getManager(),
                        in.get(0),
                        in.get(1),
                        in.get(2),
                        in.get(3),
                        in.get(4)))
                .total(),
        Fixtures.input("zInBatch", IN_BATCH),
        Fixtures.input("zPos", POSITIVE_LOGITS),
        Fixtures.input("zHard", HARD_LOGITS),
        Fixtures.input("zEasy", EASY_LOGITS),
        Fixtures.input("gS", STUDENT_FEATURES));
  }

  @Test
  void refusesNegativeWeightNamingIt() {
    assertThatThrownBy(() -> new DistillationLoss(1f, 1f, -0.01f, 0.001f, 1f, 1f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gamma")
        .hasMessageContaining("-0.01");
  }

  @Test
  void refusesNaNWeight() {
    assertThatThrownBy(() -> new DistillationLoss(Float.NaN, 1f, 0.01f, 0.001f, 1f, 1f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alpha")
        .hasMessageContaining("NaN");
  }

  @Test
  void refusesNonPositiveTemperatureNamingIt() {
    assertThatThrownBy(() -> new DistillationLoss(1f, 1f, 0.01f, 0.001f, 1f, 0f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("imitationTemperature")
        .hasMessageContaining("0.0");
    assertThatThrownBy(() -> new DistillationLoss(1f, 1f, 0.01f, 0.001f, -2f, 1f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inBatchTemperature")
        .hasMessageContaining("-2.0");
  }

  @Test
  void zeroWeightsAreAllowed() {
    DistillationLoss inBatchOnly = new DistillationLoss(0f, 0f, 0f, 0f, 1f, 1f);
    try (NDManager m = root.newSubManager()) {
      LossParts parts = inBatchOnly.compute(batch(m));
      assertThat(parts.total().getFloat()).isEqualTo(parts.inBatch().getFloat());
    }
  }

  @Test
  void batchRefusesTeacherShapeThatDoesNotMatchNamingExpectedAndFound() {
    try (NDManager m = root.newSubManager()) {
      assertThatThrownBy(
              () ->
                  new DistillationBatch(
                      array(m, IN_BATCH),
                      array(m, POSITIVE_LOGITS),
                      array(m, POSITIVE_TEACHER),
                      array(m, HARD_LOGITS),
                      m.zeros(new Shape(2, 2)),
                      array(m, EASY_LOGITS),
                      array(m, EASY_TEACHER),
                      array(m, STUDENT_FEATURES),
                      array(m, TEACHER_FEATURES)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("hardTeacher: expected shape (2, 3), found (2, 2)");
    }
  }

  @Test
  void batchRefusesFeaturesOverOtherCandidatesThanThePositiveAndHardNegatives() {
    try (NDManager m = root.newSubManager()) {
      assertThatThrownBy(
              () ->
                  batch(
                      m,
                      array(m, IN_BATCH),
                      array(m, POSITIVE_LOGITS),
                      array(m, HARD_LOGITS),
                      array(m, EASY_LOGITS),
                      m.zeros(new Shape(2, 3, 3))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("studentFeatures")
          .hasMessageContaining("expected shape (2, 4, m)")
          .hasMessageContaining("found (2, 3, 3)");
    }
  }

  @Test
  void batchRefusesInBatchLogitsOfAnotherBatchSize() {
    try (NDManager m = root.newSubManager()) {
      assertThatThrownBy(
              () ->
                  batch(
                      m,
                      m.zeros(new Shape(3, 3)),
                      array(m, POSITIVE_LOGITS),
                      array(m, HARD_LOGITS),
                      array(m, EASY_LOGITS),
                      array(m, STUDENT_FEATURES)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("positiveLogits: expected shape (3), found (2)");
    }
  }
}
