package dev.d2llm.search;

import java.util.Locale;

/** How a query is ranked against the index. */
public enum SearchMode {
  /**
   * The IEM scores every passage: the exact D2LLM ranking, linear in corpus size times the IEM's
   * cost.
   */
  EXACT,
  /** A cosine scan of the passage vectors picks candidates, and the IEM re-ranks only those. */
  TWO_STAGE;

  /** The CLI's and the API's spelling: {@code exact} or {@code two-stage}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses {@code exact} or {@code two-stage} (also {@code two_stage}), case-insensitively. */
  public static SearchMode parse(String s) {
    for (SearchMode m : values()) {
      if (m.label().equalsIgnoreCase(s.replace('_', '-'))) {
        return m;
      }
    }
    throw new IllegalArgumentException("search mode '" + s + "' is not one of exact, two-stage");
  }
}
