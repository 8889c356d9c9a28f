package dev.d2llm.index;

import dev.d2llm.student.StudentFiles;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Which student encoded an index: the reference it was built with, its base model reference, and
 * the SHA-256 of its weights and descriptor. A server refuses an index whose hash is not its
 * model's, because the stored IEM projections are only valid for the IEM that made them.
 */
public record ModelIdentity(String reference, String base, String sha256) {

  public ModelIdentity {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(sha256, "sha256");
  }

  /** The identity of the student in {@code studentDir}, known to its users as {@code reference}. */
  public static ModelIdentity of(String reference, Path studentDir) {
    return new ModelIdentity(
        reference,
        StudentFiles.readConfig(studentDir).baseModel(),
        StudentFiles.fingerprint(studentDir));
  }
}
