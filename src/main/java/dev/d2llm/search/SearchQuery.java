package dev.d2llm.search;

import dev.d2llm.student.Branch;
import java.util.Objects;

/**
 * One search: the query text, how many hits, which IEM branch, the mode and, for two-stage
 * search, how many cosine candidates the IEM re-ranks.
 */
public record SearchQuery(String text, int topK, Branch branch, SearchMode mode, int candidates) {

  /**
   * Candidates the IEM re-ranks unless told otherwise: the smallest setting whose two-stage
   * recall@10 against the exact IEM scan reached 0.95 on en/msmarco-5k (0.96; 100 kept 0.86). See
   * docs/search.md for the measurement, its latency cost and its caveats.
   */
  public static final int DEFAULT_CANDIDATES = 500;

  public SearchQuery {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(mode, "mode");
    if (text.isBlank()) {
      throw new IllegalArgumentException("the query is empty");
    }
    if (topK <= 0) {
      throw new IllegalArgumentException("topK must be > 0, found " + topK);
    }
    if (mode == SearchMode.TWO_STAGE && candidates < topK) {
      throw new IllegalArgumentException("candidates (" + candidates + ") must be >= topK (" + topK + ")");
    }
  }

  /** A two-stage query on the asymmetric (query-passage) branch with the default candidates. */
  public static SearchQuery of(String text, int topK) {
    return new SearchQuery(text, topK, Branch.ASYMMETRIC, SearchMode.TWO_STAGE, Math.max(topK, DEFAULT_CANDIDATES));
  }
}
