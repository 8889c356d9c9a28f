package dev.d2llm.lora;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.d2llm.backbone.BackboneModel;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Gradients reach every adapter through a whole backbone in training mode, and nothing else moves.
 */
class LoraTrainingTest {

  private static final Path MODELS = Path.of("test/resources/models");

  @ParameterizedTest
  @ValueSource(strings = {"tiny-qwen3", "tiny-llama", "tiny-bert"})
  void everyAdapterGetsAGradientAndTheBaseStaysFrozen(String name) {
    try (BackboneModel model = BackboneModel.load(MODELS.resolve(name))) {
      Lora.attach(model.backbone(), LoraConfig.defaults(model.config()));
      model.backbone().initializeMissing(model.manager(), 7);
      Map<String, Parameter> params = model.backbone().namedParameters();
      LoraTest.randomise(params, "lora_B", new Random(5));
      params.forEach((n, p) -> p.getArray().setRequiresGradient(n.contains("lora_")));

      try (NDManager scope = model.manager().newSubManager();
          GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray ids = scope.create(new long[] {5, 9, 14, 3, 7, 11, 2, 8}, new Shape(2, 4));
        NDArray mask = scope.create(new long[] {1, 1, 1, 1, 0, 1, 1, 1}, new Shape(2, 4));
        NDArray hidden = model.backbone().hiddenStates(null, ids, mask, true);
        collector.backward(hidden.square().mean());
      }

      params.forEach(
          (n, p) -> {
            if (n.contains("lora_")) {
              assertThat(p.getArray().getGradient().abs().sum().getFloat()).as(n).isPositive();
            } else {
              assertThat(p.getArray().hasGradient()).as(n).isFalse();
            }
          });
    }
  }
}
