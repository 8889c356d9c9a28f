package dev.d2llm.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import dev.d2llm.data.TrainingExample;
import dev.d2llm.distill.loss.DistillationLoss;
import dev.d2llm.lora.LoraConfig;
import dev.d2llm.student.Branch;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentConfig;
import dev.d2llm.teacher.TeacherScoreCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A killed run resumes from its last checkpoint and ends with the weights of a run never killed. */
class DistillRunTest {

  private static final Path BERT = Path.of("test/resources/models/tiny-bert").toAbsolutePath();
  private static final DistillOptions OPTIONS = new DistillOptions(4, 2, 3, 3e-3f, 2, 1.0, 7, 2, 100, 2, DistillationLoss.DEFAULTS);

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
    assertThat(Files.readAllLines(dir.resolve("killed/metrics.csv"))).isEqualTo(Files.readAllLines(dir.resolve("straight/metrics.csv")));
  }

  private static Map<String, float[]> train(Path out, Path dir, long killAfter) {
    List<TrainingExample> examples = DistillerTest.examples();
    BatchPlan plan = BatchPlan.of(examples, OPTIONS.batchSize(), OPTIONS.negatives(), OPTIONS.epochs(), OPTIONS.seed());
    StudentConfig config = new StudentConfig(BERT.toString(), LoraConfig.defaults(dev.d2llm.backbone.BackboneConfig.read(BERT)), 4, 16);
    try (Student student = Student.create(BERT, config, Device.cpu(), 1);
        TeacherScoreCache cache = TeacherScoreCache.open(dir.resolve("teacher.bin"))) {
      cache.fill(new DistillerTest.OverlapTeacher(), Branch.SYMMETRIC, new ArrayList<>(plan.teacherPairs(examples)), 64, n -> {});
      CachedTokenStates states = CachedTokenStates.build(student, plan.texts(examples), n -> {});
      Map<String, Parameter> trainable = new LinkedHashMap<>(student.trainableParameters());
      trainable.keySet().removeIf(n -> n.contains("lora_"));
      Distiller distiller = new Distiller(student, examples, states, cache, "overlap", Map.of("toy", Branch.SYMMETRIC),
          OPTIONS, trainable, plan.steps().size());
      DistillRun run = new DistillRun(distiller, student, plan, OPTIONS, trainable, s -> 0.0, out);
      run.run(new DistillListener() {
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
