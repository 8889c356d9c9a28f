package dev.d2llm.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.d2llm.checkpoint.CheckpointException;
import dev.d2llm.checkpoint.Checkpoints;
import dev.d2llm.checkpoint.DTypes;
import dev.d2llm.checkpoint.HostTensor;
import dev.d2llm.checkpoint.SafetensorsWriter;
import dev.d2llm.checkpoint.TensorDType;
import dev.d2llm.checkpoint.TensorSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading refuses checkpoints that do not fit the config, naming what was expected and found. */
class WeightLoadingTest {

  private static final Path QWEN2 = Path.of("test/resources/models/tiny-qwen2");

  @Test
  void aMissingTensorIsNamed(@TempDir Path dir) throws IOException {
    writeCopy(dir, "model.layers.1.mlp.down_proj.weight", null);

    assertThatThrownBy(() -> BackboneModel.load(dir).close())
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("missing")
        .hasMessageContaining("model.layers.1.mlp.down_proj.weight");
  }

  @Test
  void aWrongShapeNamesExpectedAndFound(@TempDir Path dir) throws IOException {
    writeCopy(
        dir,
        "model.layers.0.self_attn.q_proj.weight",
        HostTensor.ofFloats(new float[64 * 32], 32, 64));

    assertThatThrownBy(() -> BackboneModel.load(dir).close())
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("model.layers.0.self_attn.q_proj.weight")
        .hasMessageContaining("[32, 64]")
        .hasMessageContaining("(64, 64)");
  }

  @Test
  void bf16CheckpointsLoadWidenedToFloat32(@TempDir Path dir) throws IOException {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    try (TensorSource source = Checkpoints.open(QWEN2)) {
      for (String name : source.names()) {
        tensors.put(
            name,
            HostTensor.ofFloats(source.floats(name), TensorDType.BF16, source.info(name).shape()));
      }
    }
    copyConfigAndTokenizer(dir);
    SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));

    float[] original;
    try (TensorSource source = Checkpoints.open(QWEN2)) {
      original = source.floats("model.layers.0.self_attn.q_proj.weight");
    }
    try (BackboneModel model = BackboneModel.load(dir)) {
      var loaded =
          model
              .backbone()
              .namedParameters()
              .get("model.layers.0.self_attn.q_proj.weight")
              .getArray();
      assertThat(loaded.getDataType()).isEqualTo(DataType.FLOAT32);
      float[] values = loaded.toFloatArray();
      for (int i = 0; i < values.length; i++) {
        assertThat(values[i]).isEqualTo(DTypes.fromBf16(DTypes.toBf16(original[i])));
      }
      assertThat(values).isNotEqualTo(original);
    }
  }

  @Test
  void float32WeightsAreWrappedCopyOnWriteSoWritesNeverReachTheFile(@TempDir Path dir)
      throws IOException {
    writeCopy(dir, "none", null);
    Path file = dir.resolve("model.safetensors");
    byte[] before = Files.readAllBytes(file);
    String name = "model.layers.0.self_attn.q_proj.weight";
    float[] original;
    try (TensorSource source = Checkpoints.open(dir)) {
      assertThat(source.privateMapping(name)).isPresent();
      original = source.floats(name);
    }

    try (BackboneModel model = BackboneModel.load(dir)) {
      NDArray weight = model.backbone().namedParameters().get(name).getArray();
      assertThat(weight.toFloatArray()).containsExactly(original);
      weight.addi(1f);
      assertThat(weight.toFloatArray()[0]).isEqualTo(original[0] + 1f);
    }

    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    try (BackboneModel again = BackboneModel.load(dir)) {
      assertThat(again.backbone().namedParameters().get(name).getArray().toFloatArray())
          .containsExactly(original);
    }
  }

  private static void writeCopy(Path dir, String name, HostTensor replacement) throws IOException {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    try (TensorSource source = Checkpoints.open(QWEN2)) {
      for (String n : source.names()) {
        tensors.put(n, HostTensor.ofFloats(source.floats(n), source.info(n).shape()));
      }
    }
    if (replacement == null) {
      tensors.remove(name);
    } else {
      tensors.put(name, replacement);
    }
    copyConfigAndTokenizer(dir);
    SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
  }

  private static void copyConfigAndTokenizer(Path dir) throws IOException {
    Files.copy(QWEN2.resolve("config.json"), dir.resolve("config.json"));
    Files.copy(QWEN2.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
  }
}
