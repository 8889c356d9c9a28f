package dev.d2llm.distill;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import dev.d2llm.data.TrainingExample;
import dev.d2llm.distill.loss.DistillationLoss;
import dev.d2llm.lora.LoraConfig;
import dev.d2llm.student.Branch;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentConfig;
import dev.d2llm.teacher.TeacherScoreCache;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native memory over training steps: a step leaves no arrays behind in the model's manager, and
 * the garbage collector reclaiming Java buffers mid-step changes nothing (autograd never reads a
 * buffer Java has released).
 */
class TrainingMemoryTest {

  private static final Path BERT = Path.of("test/resources/models/tiny-bert").toAbsolutePath();
  private static final DistillOptions OPTIONS = new DistillOptions(4, 2, 2, 3e-3f, 2, 1.0, 7, 100, 100, 100, DistillationLoss.DEFAULTS);
  private static final int STEPS = 6;

  @Test
  void stepsLeaveNoArraysInTheModelsManager(@TempDir Path dir) {
    train(dir, false, true);
  }

  @Test
  void garbageCollectionDuringStepsChangesNoLoss(@TempDir Path dir) {
    List<Map<String, Float>> calm = train(dir.resolve("calm"), false, false);
    List<Map<String, Float>> stressed = train(dir.resolve("stressed"), true, false);
    assertThat(stressed).isEqualTo(calm);
  }

  private static List<Map<String, Float>> train(Path dir, boolean gcPressure, boolean checkLeaks) {
    List<TrainingExample> examples = DistillerTest.examples();
    BatchPlan plan = BatchPlan.of(examples, OPTIONS.batchSize(), OPTIONS.negatives(), OPTIONS.epochs(), OPTIONS.seed());
    StudentConfig config = new StudentConfig(BERT.toString(), LoraConfig.defaults(dev.d2llm.backbone.BackboneConfig.read(BERT)), 4, 16);
    Thread pressure = gcPressure ? Thread.ofPlatform().daemon().start(TrainingMemoryTest::churn) : null;
    try (Student student = Student.create(BERT, config, Device.cpu(), 1);
        TeacherScoreCache cache = TeacherScoreCache.open(dir.resolve("teacher.bin"))) {
      cache.fill(new DistillerTest.OverlapTeacher(), Branch.SYMMETRIC, new ArrayList<>(plan.teacherPairs(examples)), 64, n -> {});
      CachedTokenStates states = CachedTokenStates.build(student, plan.texts(examples), n -> {});
      Map<String, Parameter> trainable = new LinkedHashMap<>(student.trainableParameters());
      trainable.keySet().removeIf(n -> n.contains("lora_"));
      Distiller distiller = new Distiller(student, examples, states, cache, "overlap", Map.of("toy", Branch.SYMMETRIC),
          OPTIONS, trainable, plan.steps().size());
      List<Map<String, Float>> losses = new ArrayList<>();
      int arraysAfterFirstStep = -1;
      for (int s = 0; s < STEPS; s++) {
        losses.add(distiller.step(plan.steps().get(s)));
        int arrays = student.manager().getManagedArrays().size();
        if (s == 0) {
          arraysAfterFirstStep = arrays; // the optimizer's moments appear at the first step
        } else if (checkLeaks) {
          assertThat(arrays).as("arrays in the model's manager after step %d", s + 1).isEqualTo(arraysAfterFirstStep);
        }
      }
      return losses;
    } finally {
      if (pressure != null) {
        pressure.interrupt();
      }
    }
  }

  /** Collects garbage and refills freed direct memory with NaN, so a read after free shows. */
  private static void churn() {
    while (!Thread.currentThread().isInterrupted()) {
      System.gc();
      for (int i = 0; i < 16; i++) {
        ByteBuffer b = ByteBuffer.allocateDirect(64 << (i % 10));
        while (b.remaining() >= 4) {
          b.putInt(0x7FC00000);
        }
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
