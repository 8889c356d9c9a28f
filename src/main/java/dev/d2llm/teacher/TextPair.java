package dev.d2llm.teacher;

import java.util.Objects;

/** A query (or first sentence) and a passage (or second sentence) to judge together. */
public record TextPair(String query, String passage) {

  public TextPair {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(passage, "passage");
  }
}
