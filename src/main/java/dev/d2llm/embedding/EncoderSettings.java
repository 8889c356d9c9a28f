package dev.d2llm.embedding;

import java.util.Objects;

/**
 * How a model turns text into a vector: pooling, normalisation, per-role prefixes and the token
 * limit.
 */
public record EncoderSettings(
    Pooling pooling, boolean normalize, String queryPrefix, String passagePrefix, int maxLength) {

  public EncoderSettings {
    Objects.requireNonNull(pooling, "pooling");
    queryPrefix = queryPrefix == null ? "" : queryPrefix;
    passagePrefix = passagePrefix == null ? "" : passagePrefix;
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be >= 1, found " + maxLength);
    }
  }

  /** The text with the prefix its role takes. */
  public String prefixed(String text, TextRole role) {
    return switch (role) {
      case QUERY -> queryPrefix + text;
      case PASSAGE -> passagePrefix + text;
      case PLAIN -> text;
    };
  }
}
