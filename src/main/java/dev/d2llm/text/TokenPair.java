package dev.d2llm.text;

/** Two texts encoded as one sequence, with the token type (segment) of each token. */
public record TokenPair(long[] ids, long[] typeIds) {

  public TokenPair {
    if (ids.length != typeIds.length) {
      throw new IllegalArgumentException(
          "ids and type ids differ in length: " + ids.length + " vs " + typeIds.length);
    }
  }
}
