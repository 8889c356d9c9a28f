package dev.d2llm.lora;

import static dev.d2llm.FloatArrays.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.d2llm.backbone.BackboneModel;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** LoRA adapters on real backbone projections: start neutral, change outputs, merge exactly. */
class LoraTest {

  private static final Path MODELS = Path.of("test/resources/models");

  @ParameterizedTest
  @CsvSource({"tiny-qwen2, 14", "tiny-bert, 12"})
  void attachesToEveryTargetProjectionOfEveryLayer(String name, int expected) {
    try (BackboneModel model = BackboneModel.load(MODELS.resolve(name))) {
      Map<String, LoraAdapter> adapters =
          Lora.attach(model.backbone(), LoraConfig.defaults(model.config()));

      assertThat(adapters).hasSize(expected);
      assertThat(model.backbone().namedParameters().keySet())
          .filteredOn(n -> n.contains("lora_A"))
          .hasSize(expected);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-qwen2", "tiny-bert"})
  void freshAdaptersLeaveTheBackboneUnchanged(String name) {
    try (BackboneModel model = BackboneModel.load(MODELS.resolve(name))) {
      float[] before = hidden(model);
      Lora.attach(model.backbone(), LoraConfig.defaults(model.config()));
      model.backbone().initializeMissing(model.manager(), 7);

      assertThat(hidden(model)).containsExactly(before);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-qwen2", "tiny-llama", "tiny-bert"})
  void mergingComputesWhatTheAdaptersDid(String name) {
    try (BackboneModel model = BackboneModel.load(MODELS.resolve(name))) {
      float[] base = hidden(model);
      Lora.attach(model.backbone(), LoraConfig.defaults(model.config()));
      model.backbone().initializeMissing(model.manager(), 7);
      randomise(model.backbone().namedParameters(), "lora_B", new Random(3));
      float[] adapted = hidden(model);

      assertThat(Lora.merge(model.backbone())).isPositive();
      float[] merged = hidden(model);

      assertThat(maxAbsDiff(adapted, base)).isGreaterThan(1e-3);
      assertThat(maxAbsDiff(merged, adapted)).isLessThan(1e-4);
      assertThat(model.backbone().namedParameters().keySet()).noneMatch(n -> n.contains("lora_"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-qwen2"})
  void aTargetThatMatchesNothingIsRefused(String name) {
    try (BackboneModel model = BackboneModel.load(MODELS.resolve(name))) {
      LoraConfig typo = new LoraConfig(8, 8, 0, List.of("q_proj", "qkv_proj"));

      assertThatThrownBy(() -> Lora.attach(model.backbone(), typo))
          .hasMessageContaining("'qkv_proj' matches no projection");
    }
  }

  static void randomise(Map<String, Parameter> params, String marker, Random random) {
    params.forEach(
        (n, p) -> {
          if (n.contains(marker)) {
            float[] v = new float[Math.toIntExact(p.getArray().size())];
            for (int i = 0; i < v.length; i++) {
              v[i] = (float) (random.nextGaussian() * 0.1);
            }
            p.getArray().set(FloatBuffer.wrap(v));
          }
        });
  }

  static float[] hidden(BackboneModel model) {
    try (NDManager scope = model.manager().newSubManager()) {
      NDArray ids = scope.create(new long[] {5, 9, 14, 3, 7, 11, 2, 8}, new Shape(2, 4));
      NDArray mask = scope.create(new long[] {1, 1, 1, 1, 1, 1, 1, 0}, new Shape(2, 4));
      return model.backbone().hiddenStates(null, ids, mask, false).toFloatArray();
    }
  }
}
