package dev.d2llm.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.nn.Parameter;
import dev.d2llm.distill.loss.DistillationLoss;
import dev.d2llm.student.Student;
import dev.d2llm.teacher.TeacherScoreCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A killed run resumes from its last checkpoint and ends with the weights of a run never killed.
 */
class DistillRunTest {

  private static final DistillOptions OPTIONS =
      new DistillOptions(4, 2, 3, 3e-3f, 2, 1.0, 7, 2, 100, 2, DistillationLoss.DEFAULTS);

  /** Simulates a kill after a given step. */
  static final class Killed extends RuntimeException {}

  @Test
  void aKilledRunResumesToTheSameWeights(@TempDir Path dir) throws java.io.IOException {
    Map<String, float[]> straight = train(dir.resolve("straight"), dir, Long.MAX_VALUE);
    assertThatThrownBy(() -> train(dir.resolve("killed"), dir, 5)).isInstanceOf(Killed.class);
    assertThat(dir.resolve("killed/checkpoint/state.json")).isRegularFile();

    Map<String, float[]> resumed = train(dir.resolve("killed"), dir, Long.MAX_VALUE);

    assertThat(resumed.keySet()).isEqualTo(straight.keySet());
    resumed.forEach((n, v) -> assertThat(v).as(n).containsExactly(straight.get(n)));
    assertThat(dir.resolve("killed/loss.png")).isRegularFile();
    // Steps after the checkpoint were replayed, not logged twice.
    assertThat(Files.readAllLines(dir.resolve("killed/metrics.csv")))
        .isEqualTo(Files.readAllLines(dir.resolve("straight/metrics.csv")));
  }

  @Test
  void selectionNeverShipsAStudentBelowItsStartingPoint(@TempDir Path dir)
      throws java.io.IOException {
    try (Student student = ToyDistillation.student();
        TeacherScoreCache cache = TeacherScoreCache.open(dir.resolve("teacher.bin"))) {
      ToyDistillation toy = ToyDistillation.of(student, cache, OPTIONS);
      Map<String, float[]> start = new LinkedHashMap<>();
      toy.trainable().forEach((n, p) -> start.put(n, p.getArray().toFloatArray()));
      // A validation that only gets worse: the starting point must stay the best.
      double[] next = {1.0};
      DistillRun run =
          new DistillRun(
              toy.distiller(),
              student,
              toy.plan(),
              OPTIONS,
              toy.trainable(),
              s -> next[0] -= 0.1,
              dir.resolve("run"));

      double best =
          run.run(
              new DistillListener() {
                @Override
                public void step(long step, long total, Map<String, Float> losses) {}

                @Override
                public void validated(long step, double score, boolean isBest) {}
              });

      assertThat(best).isEqualTo(0.9);
      DistillRun.Selection selection = DistillRun.selection(dir.resolve("run"));
      assertThat(selection.improved()).isFalse();
      assertThat(selection.start()).isEqualTo(0.9);
      try (Student shipped =
          dev.d2llm.student.StudentFiles.load(dir.resolve("run/best"), ai.djl.Device.cpu())) {
        shipped
            .trainableParameters()
            .forEach(
                (n, p) -> {
                  if (start.containsKey(n)) {
                    assertThat(p.getArray().toFloatArray()).as(n).containsExactly(start.get(n));
                  }
                });
      }
      assertThat(Files.readAllLines(dir.resolve("run/metrics.csv")).get(1))
          .startsWith("0,0,")
          .endsWith(",0.9000");
    }
  }

  private static Map<String, float[]> train(Path out, Path dir, long killAfter) {
    try (Student student = ToyDistillation.student();
        TeacherScoreCache cache = TeacherScoreCache.open(dir.resolve("teacher.bin"))) {
      ToyDistillation toy = ToyDistillation.of(student, cache, OPTIONS);
      BatchPlan plan = toy.plan();
      Distiller distiller = toy.distiller();
      Map<String, Parameter> trainable = toy.trainable();
      DistillRun run = new DistillRun(distiller, student, plan, OPTIONS, trainable, s -> 0.0, out);
      run.run(
          new DistillListener() {
            @Override
            public void step(long step, long total, Map<String, Float> losses) {
              if (step > killAfter) {
                throw new Killed();
              }
            }

            @Override
            public void validated(long step, double score, boolean best) {}
          });
      Map<String, float[]> weights = new LinkedHashMap<>();
      trainable.forEach((n, p) -> weights.put(n, p.getArray().toFloatArray()));
      return weights;
    }
  }
}
