package dev.d2llm.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedSafetensorsTest {

  @TempDir Path dir;

  private static Map<String, HostTensor> tensors() {
    Map<String, HostTensor> t = new TreeMap<>();
    t.put("layer.0.weight", HostTensor.ofFloats(new float[] {1, 2, 3, 4}, 2, 2)); // 16 bytes
    t.put(
        "layer.1.weight",
        HostTensor.ofFloats(new float[] {5, 6, 7, 8}, TensorDType.BF16, 4)); // 8 bytes
    t.put("layer.2.weight", HostTensor.ofFloats(new float[] {9, 10, 11, 12, 13}, 5)); // 20 bytes
    t.put("position_ids", HostTensor.ofLongs(new long[] {0, 1}, 2)); // 16 bytes
    return t;
  }

  @Test
  void shardedWriteReadsBackThroughTheIndex() throws Exception {
    SafetensorsWriter.writeSharded(dir, tensors(), Map.of("format", "pt"), 24);

    assertThat(dir.resolve("model.safetensors")).doesNotExist();
    assertThat(dir.resolve("model-00001-of-00003.safetensors")).exists();
    assertThat(dir.resolve("model-00003-of-00003.safetensors")).exists();
    JsonNode index =
        new ObjectMapper().readTree(dir.resolve(ShardedSafetensors.INDEX_FILE).toFile());
    assertThat(index.at("/metadata/total_size").asLong()).isEqualTo(60);
    assertThat(index.at("/weight_map/layer.2.weight").asText())
        .isEqualTo("model-00002-of-00003.safetensors");

    try (TensorSource source = Checkpoints.open(dir)) {
      assertThat(source).isInstanceOf(ShardedSafetensors.class);
      assertThat(source.names())
          .containsExactly("layer.0.weight", "layer.1.weight", "layer.2.weight", "position_ids");
      assertThat(source.floats("layer.0.weight")).containsExactly(1, 2, 3, 4);
      assertThat(source.floats("layer.1.weight")).containsExactly(5, 6, 7, 8);
      assertThat(source.info("layer.1.weight").dtype()).isEqualTo(TensorDType.BF16);
      assertThat(source.floats("layer.2.weight")).containsExactly(9, 10, 11, 12, 13);
      assertThat(source.longs("position_ids")).containsExactly(0, 1);
      assertThat(((ShardedSafetensors) source).metadata())
          .containsEntry("total_size", "60")
          .containsEntry("format", "pt");
    }
  }

  @Test
  void writesSingleFileWhenEverythingFitsOneShard() {
    SafetensorsWriter.writeSharded(dir, tensors(), Map.of(), 1 << 20);
    assertThat(dir.resolve("model.safetensors")).exists();
    assertThat(dir.resolve(ShardedSafetensors.INDEX_FILE)).doesNotExist();
    try (TensorSource source = Checkpoints.open(dir)) {
      assertThat(source).isInstanceOf(SafetensorsFile.class);
      assertThat(source.names()).hasSize(4);
    }
  }

  @Test
  void shardedWriteRemovesStaleSingleFileThatWouldShadowIt() {
    SafetensorsWriter.writeSharded(
        dir, Map.of("old", HostTensor.ofFloats(new float[] {0}, 1)), Map.of(), 1 << 20);
    SafetensorsWriter.writeSharded(dir, tensors(), Map.of(), 24);
    try (TensorSource source = Checkpoints.open(dir)) {
      assertThat(source.names()).doesNotContain("old").contains("position_ids");
    }
  }

  @Test
  void rejectsIndexNamingTensorMissingFromItsShard() throws Exception {
    SafetensorsWriter.write(
        dir.resolve("shard-a.safetensors"),
        Map.of("x", HostTensor.ofFloats(new float[] {1}, 1)),
        Map.of());
    Path index =
        Files.writeString(
            dir.resolve(ShardedSafetensors.INDEX_FILE),
            "{\"metadata\":{},\"weight_map\":{\"x\":\"shard-a.safetensors\",\"y\":\"shard-a.safetensors\"}}");
    assertThatThrownBy(() -> ShardedSafetensors.open(index))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("'y'")
        .hasMessageContaining("shard-a.safetensors");
  }

  @Test
  void rejectsIndexNamingMissingShardFile() throws Exception {
    Path index =
        Files.writeString(
            dir.resolve(ShardedSafetensors.INDEX_FILE),
            "{\"weight_map\":{\"x\":\"model-00001-of-00002.safetensors\"}}");
    assertThatThrownBy(() -> ShardedSafetensors.open(index))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("'x'")
        .hasMessageContaining("model-00001-of-00002.safetensors")
        .hasMessageContaining("no such file");
  }

  @Test
  void rejectsShardPathOutsideTheIndexDirectory() throws Exception {
    Path index =
        Files.writeString(
            dir.resolve(ShardedSafetensors.INDEX_FILE),
            "{\"weight_map\":{\"x\":\"../elsewhere.safetensors\"}}");
    assertThatThrownBy(() -> ShardedSafetensors.open(index))
        .hasMessageContaining("../elsewhere.safetensors");
  }

  @Test
  void rejectsIndexWithoutWeightMap() throws Exception {
    Path index = Files.writeString(dir.resolve(ShardedSafetensors.INDEX_FILE), "{\"metadata\":{}}");
    assertThatThrownBy(() -> ShardedSafetensors.open(index)).hasMessageContaining("weight_map");
  }
}
