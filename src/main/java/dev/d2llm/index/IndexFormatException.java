package dev.d2llm.index;

/**
 * An index that must not be served: a bad manifest, a missing shard, or a checksum that does not
 * match.
 */
public class IndexFormatException extends IllegalArgumentException {

  public IndexFormatException(String message) {
    super(message);
  }
}
