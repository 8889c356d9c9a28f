package dev.d2llm.data;

import java.util.Objects;

/** One passage of a retrieval corpus; the title is empty where the corpus has none. */
public record CorpusDocument(String id, String title, String text) {

  public CorpusDocument {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(text, "text");
    title = title == null ? "" : title;
    if (id.isEmpty()) {
      throw new IllegalArgumentException("a corpus document needs a non-empty id");
    }
  }
}
