package dev.d2llm.distill;

import static dev.d2llm.FloatArrays.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.d2llm.embedding.EncoderSettings;
import dev.d2llm.embedding.Pooling;
import dev.d2llm.embedding.TextRole;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentConfig;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Training the IEM alone on a residual student's cached vectors sees exactly the vectors the
 * student serves.
 */
class PooledVectorsTest {

  private static final Path BERT = Path.of("test/resources/models/tiny-bert").toAbsolutePath();
  private static final List<String> TEXTS =
      List.of("the cat sat on the mat", "stocks fell today", "a dog runs");

  private static Student residual() {
    return Student.create(
        BERT,
        StudentConfig.residual(
            BERT.toString(),
            null,
            4,
            16,
            new EncoderSettings(Pooling.MEAN, false, "q: ", "", Student.MAX_LENGTH)),
        Device.cpu(),
        4);
  }

  @Test
  void pooledVectorsThroughTheStudentsPoolingAreItsServedVectors() {
    try (Student student = residual()) {
      List<String> inputs = TEXTS.stream().map(t -> student.inputText(t, TextRole.QUERY)).toList();
      PooledVectors cache = PooledVectors.build(student, new LinkedHashSet<>(inputs), n -> {});
      float[][] served = student.embed(TEXTS, TextRole.QUERY);
      try (NDManager scope = student.manager().newSubManager()) {
        NDArray[] states = cache.of(scope, inputs, false);
        float[] pooled = student.pool(null, states[0], states[1], false).toFloatArray();
        int d = student.dimension();
        for (int i = 0; i < TEXTS.size(); i++) {
          assertThat(
                  maxAbsDiff(java.util.Arrays.copyOfRange(pooled, i * d, (i + 1) * d), served[i]))
              .isLessThan(1e-6);
        }
      }
      assertThat(maxAbsDiff(cache.embed(List.of(TEXTS.get(1)), TextRole.QUERY)[0], served[1]))
          .isEqualTo(0.0);
    }
  }

  @Test
  void withAnOpenGateTrainingReadsTheStudentsServedVectorsAsTheyAre() {
    try (Student student = residual()) {
      // A fine-tuned bi-encoder's gate is open: its vectors mix PMA into the native pooling.
      student.gate().orElseThrow().namedParameters().get("gate").getArray().addi(0.5f);
      List<String> inputs =
          TEXTS.stream().map(t -> student.inputText(t, TextRole.PASSAGE)).toList();
      PooledVectors cache = PooledVectors.build(student, new LinkedHashSet<>(inputs), n -> {});
      float[][] served = student.embed(TEXTS, TextRole.PASSAGE);
      assertThat(cache.pooled()).isTrue();
      try (NDManager scope = student.manager().newSubManager()) {
        float[] read = cache.of(scope, inputs, true)[0].squeeze(1).toFloatArray();
        int d = student.dimension();
        for (int i = 0; i < TEXTS.size(); i++) {
          assertThat(maxAbsDiff(java.util.Arrays.copyOfRange(read, i * d, (i + 1) * d), served[i]))
              .isEqualTo(0.0);
        }
      }
    }
  }

  @Test
  void thePapersPoolingIsRefused() {
    try (Student paper =
        Student.create(BERT, new StudentConfig(BERT.toString(), null, 4, 16), Device.cpu(), 4)) {
      assertThatThrownBy(() -> PooledVectors.build(paper, new LinkedHashSet<>(TEXTS), n -> {}))
          .hasMessageContaining("only a residual student");
    }
  }
}
