package dev.d2llm.distill;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.nn.Parameter;
import dev.d2llm.distill.loss.DistillationLoss;
import dev.d2llm.student.Student;
import dev.d2llm.teacher.TeacherScoreCache;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native memory over training steps: a step leaves no arrays behind in the model's manager, and the
 * garbage collector reclaiming Java buffers mid-step changes nothing (autograd never reads a buffer
 * Java has released).
 */
class TrainingMemoryTest {

  private static final DistillOptions OPTIONS =
      new DistillOptions(4, 2, 2, 3e-3f, 2, 1.0, 7, 100, 100, 100, DistillationLoss.DEFAULTS);
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
    Thread pressure =
        gcPressure ? Thread.ofPlatform().daemon().start(TrainingMemoryTest::churn) : null;
    try (Student student = ToyDistillation.student();
        TeacherScoreCache cache = TeacherScoreCache.open(dir.resolve("teacher.bin"))) {
      ToyDistillation toy = ToyDistillation.of(student, cache, OPTIONS);
      BatchPlan plan = toy.plan();
      Distiller distiller = toy.distiller();
      Map<String, Parameter> trainable = toy.trainable();
      List<Map<String, Float>> losses = new ArrayList<>();
      int arraysAfterFirstStep = -1;
      for (int s = 0; s < STEPS; s++) {
        losses.add(distiller.step(plan.steps().get(s)));
        int arrays = student.manager().getManagedArrays().size();
        if (s == 0) {
          arraysAfterFirstStep = arrays; // the optimizer's moments appear at the first step
        } else if (checkLeaks) {
          assertThat(arrays)
              .as("arrays in the model's manager after step %d", s + 1)
              .isEqualTo(arraysAfterFirstStep);
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
