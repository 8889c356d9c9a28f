package dev.d2llm.data;

import java.util.Objects;

/** One query of a retrieval set. */
public record RetrievalQuery(String id, String text) {

  public RetrievalQuery {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(text, "text");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("a query needs a non-empty id");
    }
  }
}
