package dev.d2llm.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where pulled models live ({@code $D2LLM_MODELS}, else {@code ~/.cache/d2llm/models}), and the
 * resolution of {@code bundled:NAME} references: the pulled directory, pulled on first use.
 */
public final class ModelCache {

  /** The prefix of a reference to a bundled encoder, e.g. {@code bundled:bge-small-en-v1.5}. */
  public static final String BUNDLED = "bundled:";

  private ModelCache() {}

  /** The cache directory. */
  public static Path root() {
    String env = System.getenv("D2LLM_MODELS");
    return env != null && !env.isBlank()
        ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".cache", "d2llm", "models");
  }

  /** Whether {@code reference} names a bundled encoder rather than a path. */
  public static boolean isBundled(String reference) {
    return reference.startsWith(BUNDLED);
  }

  /**
   * The directory of a {@code bundled:NAME} reference, pulling the encoder there if it is not yet.
   */
  public static Path resolve(String reference) {
    BundledEncoder encoder = BundledEncoder.byName(reference.substring(BUNDLED.length()));
    Path dir = root().resolve(encoder.id());
    if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
      try {
        BundledEncoderPull.defaults(BundledEncoderPull.Progress.NONE).pull(encoder, dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot pull " + encoder.id() + " into " + dir, e);
      }
    }
    return dir;
  }
}
