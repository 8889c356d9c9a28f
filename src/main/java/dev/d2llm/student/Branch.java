package dev.d2llm.student;

import java.util.Locale;

/**
 * Which IEM branch scores a pair: symmetric (STS, NLI, paraphrase) or asymmetric (query-passage
 * retrieval).
 */
public enum Branch {
  SYMMETRIC,
  ASYMMETRIC;

  /**
   * Parses {@code sym}/{@code symmetric} or {@code asym}/{@code asymmetric}, case-insensitively.
   */
  public static Branch parse(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "sym", "symmetric" -> SYMMETRIC;
      case "asym", "asymmetric" -> ASYMMETRIC;
      default -> throw new IllegalArgumentException("task '" + s + "' is not one of sym, asym");
    };
  }
}
