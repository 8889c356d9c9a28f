package dev.d2llm.distill;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.nn.Parameter;
import dev.d2llm.student.Student;
import dev.d2llm.teacher.TeacherScoreCache;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel distillation (a batch's texts encoded in shards, one per copy of the student, the
 * vectors gathered for one whole-batch loss, gradients summed into the main copy) trains like the
 * whole batch on one student: the same objective, in-batch negatives included. On a GPU host the
 * copies sit on different GPUs; here they are two students on the CPU.
 */
class DataParallelTest {

  private static final DistillOptions OPTIONS =
      new DistillOptions(
          8,
          2,
          2,
          3e-3f,
          2,
          1.0,
          7,
          100,
          100,
          100,
          dev.d2llm.distill.loss.DistillationLoss.DEFAULTS);

  @Test
  void aBatchSpreadOverTwoCopiesTrainsLikeTheWholeBatchOnOne(@TempDir Path dir) {
    Map<String, float[]> parallel =
        train(dir, (main, states) -> List.of(new Replica(ToyDistillation.student(), states)));
    Map<String, float[]> passes = train(dir, (main, states) -> List.of(new Replica(main, states)));
    Map<String, float[]> wholeBatch = train(dir, (main, states) -> List.of());

    assertThat(parallel.keySet()).isEqualTo(wholeBatch.keySet());
    assertThat(maxDifference(parallel, wholeBatch)).as("two copies against one").isLessThan(2e-5);
    assertThat(maxDifference(passes, wholeBatch))
        .as("two passes on one copy against one")
        .isLessThan(2e-5);
    assertThat(maxDifference(wholeBatch, initial(dir)))
        .as("training moved the weights")
        .isGreaterThan(1e-3);
  }

  @Test
  void aBatchIsCutIntoContiguousShardsOfAtLeastTwoExamples() {
    BatchPlan.Step step =
        new BatchPlan.Step(
            "toy",
            new int[] {0, 1, 2, 3, 4},
            List.of(List.of("a"), List.of("b"), List.of("c"), List.of("d"), List.of("e")));
    List<BatchPlan.Step> two = Distiller.shards(step, 2);
    assertThat(two).extracting(s -> s.examples().length).containsExactly(2, 3);
    assertThat(two.get(1).negatives()).containsExactly(List.of("c"), List.of("d"), List.of("e"));
    assertThat(Distiller.shards(step, 8)).hasSize(2);
    assertThat(Distiller.shards(step, 1)).containsExactly(step);
  }

  private interface Copies {
    List<Replica> of(Student main, TokenStates states);
  }

  private static Map<String, float[]> train(Path dir, Copies copies) {
    try (Student student = ToyDistillation.student();
        TeacherScoreCache cache = TeacherScoreCache.open(dir.resolve("teacher.bin"))) {
      ToyDistillation toy = ToyDistillation.of(student, cache, OPTIONS);
      BatchPlan plan = toy.plan();
      Distiller distiller = toy.distiller();
      Map<String, Parameter> trainable = toy.trainable();
      List<Replica> replicas = copies.of(student, toy.states());
      try {
        distiller.spreadOver(replicas);
        plan.steps().forEach(distiller::step);
      } finally {
        replicas.stream().map(Replica::student).filter(s -> s != student).forEach(Student::close);
      }
      Map<String, float[]> weights = new LinkedHashMap<>();
      trainable.forEach((n, p) -> weights.put(n, p.getArray().toFloatArray()));
      return weights;
    }
  }

  private static Map<String, float[]> initial(Path dir) {
    try (Student student = ToyDistillation.student();
        TeacherScoreCache cache = TeacherScoreCache.open(dir.resolve("teacher.bin"))) {
      Map<String, float[]> weights = new LinkedHashMap<>();
      ToyDistillation.of(student, cache, OPTIONS)
          .trainable()
          .forEach((n, p) -> weights.put(n, p.getArray().toFloatArray()));
      return weights;
    }
  }

  private static double maxDifference(Map<String, float[]> a, Map<String, float[]> b) {
    double max = 0;
    for (var e : a.entrySet()) {
      float[] other = b.get(e.getKey());
      for (int i = 0; i < other.length; i++) {
        max = Math.max(max, Math.abs(e.getValue()[i] - other[i]));
      }
    }
    return max;
  }
}
