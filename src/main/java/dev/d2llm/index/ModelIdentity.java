package dev.d2llm.index;

import java.util.Objects;

/**
 * Which student encoded an index: the reference it was built with, its base model reference, and
 * the SHA-256 of its weights and descriptor. A server refuses an index whose hash is not its model's,
 * because the stored IEM projections are only valid for the IEM that made them.
 */
public record ModelIdentity(String reference, String base, String sha256) {

  public ModelIdentity {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(sha256, "sha256");
  }
}
