package dev.d2llm.student;

import java.util.Locale;

/**
 * Which interaction module a student scores with. {@link #PAPER} is D2LLM's MLP trained from
 * scratch; {@link #RESIDUAL} adds that MLP (its last layer starting at zero) to an affine function
 * of the pair's cosine under the backbone's native pooling, so an untrained student ranks exactly
 * as its backbone's zero-shot bi-encoder and training moves the ranking only where the teacher
 * says.
 */
public enum IemKind {
  PAPER,
  RESIDUAL;

  /** The descriptor's and the CLI's spelling: {@code paper} or {@code residual}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@link #label()}, case-insensitively. */
  public static IemKind parse(String s) {
    for (IemKind k : values()) {
      if (k.label().equalsIgnoreCase(s)) {
        return k;
      }
    }
    throw new IllegalArgumentException("IEM '" + s + "' is not one of paper, residual");
  }
}
