package dev.d2llm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.d2llm.backbone.BackboneConfig;
import dev.d2llm.lora.LoraConfig;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The training-step benchmark trains LoRA and PMA for real and counts its tokens. */
class TrainStepBenchmarkTest {

  private static final Path QWEN2 = Path.of("test/resources/models/tiny-qwen2");

  @Test
  void stepsMoveLoraAndPmaAndLeaveTheBaseWeights() {
    LoraConfig lora = LoraConfig.defaults(BackboneConfig.read(QWEN2));
    try (Student student =
        Student.create(QWEN2, new StudentConfig(QWEN2.toString(), lora, 4, 16), Device.cpu(), 3)) {
      Map<String, float[]> before = snapshot(student);

      var shape = new TrainStepBenchmark.StepShape(4, 5, 9);
      TrainStepBenchmark.Result r = TrainStepBenchmark.run(student, shape, 3, 1, 5);

      Map<String, float[]> after = snapshot(student);
      assertThat(r.timedSteps()).isEqualTo(3);
      assertThat(r.lastLoss()).isFinite().isPositive();
      assertThat(r.tokensPerSecond()).isEqualTo(4 * (5 + 9) / r.medianStepSeconds());
      assertThat(changed(before, after, "lora_B")).as("LoRA B moved from zero").isTrue();
      assertThat(changed(before, after, "pma.")).as("PMA moved").isTrue();
      assertThat(changed(before, after, "iem.")).as("the IEM is not in this step").isFalse();
    }
  }

  @Test
  void aStepNeedsTwoRowsForItsInBatchSoftmax() {
    assertThatThrownBy(() -> new TrainStepBenchmark.StepShape(1, 4, 4))
        .hasMessageContaining("batch >= 2");
  }

  private static Map<String, float[]> snapshot(Student student) {
    return student.trainableParameters().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().getArray().toFloatArray()));
  }

  private static boolean changed(
      Map<String, float[]> before, Map<String, float[]> after, String part) {
    return before.keySet().stream()
        .filter(n -> n.contains(part))
        .anyMatch(n -> !Arrays.equals(before.get(n), after.get(n)));
  }
}
