package dev.d2llm.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {

  @TempDir Path dir;

  @Test
  void reportsWhichFilesWereLookedForInWhichDirectory() {
    assertThatThrownBy(() -> Checkpoints.open(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("model.safetensors")
        .hasMessageContaining("model.safetensors.index.json");
  }

  @Test
  void reportsMissingPath() {
    Path absent = dir.resolve("nope");
    assertThatThrownBy(() -> Checkpoints.open(absent)).hasMessageContaining(absent.toString());
  }

  @Test
  void prefersSingleFileOverIndex() throws Exception {
    SafetensorsWriter.writeSharded(
        dir,
        Map.of(
            "a",
            HostTensor.ofFloats(new float[] {1, 2}, 2),
            "b",
            HostTensor.ofFloats(new float[] {3, 4}, 2)),
        Map.of(),
        8);
    SafetensorsWriter.write(
        dir.resolve("model.safetensors"),
        Map.of("single", HostTensor.ofFloats(new float[] {1}, 1)),
        Map.of());
    try (TensorSource source = Checkpoints.open(dir)) {
      assertThat(source.names()).containsExactly("single");
    }
  }

  @Test
  void opensFilesGivenDirectly() {
    SafetensorsWriter.writeSharded(
        dir,
        Map.of(
            "a",
            HostTensor.ofFloats(new float[] {1, 2}, 2),
            "b",
            HostTensor.ofFloats(new float[] {3, 4}, 2)),
        Map.of(),
        8);
    try (TensorSource index = Checkpoints.open(dir.resolve(ShardedSafetensors.INDEX_FILE));
        TensorSource shard = Checkpoints.open(dir.resolve("model-00002-of-00002.safetensors"))) {
      assertThat(index.names()).containsExactly("a", "b");
      assertThat(shard.names()).containsExactly("b");
    }
  }

  @Test
  void rejectsFileOfUnknownKind() throws Exception {
    Path other = Files.writeString(dir.resolve("pytorch_model.bin"), "x");
    assertThatThrownBy(() -> Checkpoints.open(other)).hasMessageContaining(".safetensors");
  }
}
