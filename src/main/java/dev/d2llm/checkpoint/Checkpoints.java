package dev.d2llm.checkpoint;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a checkpoint the way the Hub lays one out, whether given its directory or one of its files.
 */
public final class Checkpoints {

  /** File name of a checkpoint stored in one safetensors file. */
  public static final String SINGLE_FILE = "model.safetensors";

  private Checkpoints() {}

  /**
   * Opens {@code path}: a directory holding {@code model.safetensors} (preferred) or {@code
   * model.safetensors.index.json}, or one such file directly.
   */
  public static TensorSource open(Path path) {
    if (Files.isDirectory(path)) {
      Path single = path.resolve(SINGLE_FILE);
      if (Files.isRegularFile(single)) {
        return SafetensorsFile.open(single);
      }
      Path index = path.resolve(ShardedSafetensors.INDEX_FILE);
      if (Files.isRegularFile(index)) {
        return ShardedSafetensors.open(index);
      }
      throw new CheckpointException(
          "no checkpoint in "
              + path
              + ": looked for "
              + SINGLE_FILE
              + " and "
              + ShardedSafetensors.INDEX_FILE);
    }
    if (!Files.isRegularFile(path)) {
      throw new CheckpointException("no checkpoint at " + path + ": no such file or directory");
    }
    String name = path.getFileName().toString();
    if (name.endsWith(".safetensors")) {
      return SafetensorsFile.open(path);
    }
    if (name.endsWith(".json")) {
      return ShardedSafetensors.open(path);
    }
    throw new CheckpointException(
        "cannot open "
            + path
            + " as a checkpoint: expected a directory, a .safetensors file or a safetensors index .json");
  }
}
