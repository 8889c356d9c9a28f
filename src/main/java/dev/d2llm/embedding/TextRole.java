package dev.d2llm.embedding;

/** Whether a text is a search query or a passage; asymmetric models prefix them differently. */
public enum TextRole {
  QUERY,
  PASSAGE,
  /** Symmetric use (STS, NLI): no prefix. */
  PLAIN
}
