package dev.d2llm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.d2llm.student.Branch;
import dev.d2llm.teacher.CrossEncoderTeacher;
import dev.d2llm.teacher.Teacher;
import dev.d2llm.teacher.Teachers;
import dev.d2llm.teacher.TextPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The teacher benchmark counts what it ran, trains for real, and writes the rows a Python peer
 * reruns.
 */
class TeacherBenchmarkTest {

  private static final Path BERT = Path.of("test/resources/models/tiny-bert");

  private static List<TextPair> pairs(int n) {
    List<TextPair> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          new TextPair("question number " + i, "a passage that answers " + "it ".repeat(i % 7)));
    }
    return out;
  }

  @Test
  void scoringCountsThePairsAndTheirRealTokens() {
    List<TextPair> pairs = pairs(10);
    try (Teacher teacher = CrossEncoderTeacher.open(BERT, Device.cpu(), 1)) {
      TeacherBenchmark.Result r = TeacherBenchmark.scoring(teacher, pairs, Branch.ASYMMETRIC, 2);

      long tokens =
          TeacherBenchmark.inputIds(teacher, pairs, Branch.ASYMMETRIC).stream()
              .mapToLong(a -> a.length)
              .sum();
      assertThat(r.pairs()).isEqualTo(10);
      assertThat(r.tokens()).isEqualTo(tokens);
      assertThat(r.pairsPerSecond()).isEqualTo(10 / r.seconds());
    }
  }

  @Test
  void trainingChangesTheWeightsAndTimesOnlyTheStepsAfterTheWarmUp(@TempDir Path tmp) {
    try (CrossEncoderTeacher teacher = CrossEncoderTeacher.open(BERT, Device.cpu(), 1)) {
      float[] before = teacher.parameters().get("classifier.weight").getArray().toFloatArray();

      TeacherBenchmark.Result r = TeacherBenchmark.training(teacher, pairs(40), 4, 6, 2, tmp);

      assertThat(r.pairs()).isEqualTo(4 * (6 - 2));
      assertThat(r.seconds()).isPositive();
      float[] after = teacher.parameters().get("classifier.weight").getArray().toFloatArray();
      assertThat(Arrays.equals(before, after)).as("the classifier trained").isFalse();
    }
  }

  @Test
  void trainingNeedsEnoughPairsAndAWarmUp(@TempDir Path tmp) {
    try (CrossEncoderTeacher teacher = CrossEncoderTeacher.open(BERT, Device.cpu(), 1)) {
      assertThatThrownBy(() -> TeacherBenchmark.training(teacher, pairs(10), 4, 6, 2, tmp))
          .hasMessageContaining("need 24 pairs, found 10");
      assertThatThrownBy(() -> TeacherBenchmark.training(teacher, pairs(40), 4, 2, 2, tmp))
          .hasMessageContaining("steps > warmup");
    }
  }

  @Test
  void dumpedIdsAreTheCrossEncodersPairEncodingWithTypeIds(@TempDir Path tmp) throws IOException {
    List<TextPair> pairs = pairs(3);
    try (Teacher teacher = Teachers.open(BERT, "en", Device.cpu())) {
      Path file = tmp.resolve("ids.txt");
      TeacherBenchmark.writeIds(teacher, pairs, Branch.ASYMMETRIC, file);

      List<String> lines = Files.readAllLines(file);
      List<long[]> ids = TeacherBenchmark.inputIds(teacher, pairs, Branch.ASYMMETRIC);
      assertThat(lines).hasSize(3);
      for (int i = 0; i < 3; i++) {
        String[] halves = lines.get(i).split("\\|");
        assertThat(Arrays.stream(halves[0].split(" ")).mapToLong(Long::parseLong).toArray())
            .isEqualTo(ids.get(i));
        assertThat(halves[1].split(" ")).hasSameSizeAs(halves[0].split(" "));
      }
    }
  }
}
