package dev.d2llm.search;

import dev.d2llm.student.Branch;
import java.util.Objects;

/**
 * One search: the query text, how many hits, which IEM branch, the mode and, for two-stage search,
 * how many cosine candidates the IEM re-ranks.
 */
public record SearchQuery(String text, int topK, Branch branch, SearchMode mode, int candidates) {

  /**
   * Candidates the IEM re-ranks unless told otherwise, chosen from two-stage recall@10 against the
   * exact IEM scan: 500 keeps 0.93-0.96 of it on en/msmarco-5k (all 50 queries / the 43 judged) and
   * 0.98 for STS-B queries over 100k passages, where 100 keeps 0.80-0.89; 1000 (0.98 on msmarco-5k)
   * costs about 9 ms more per query. docs/search.md has the tables and the caveats.
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
      throw new IllegalArgumentException(
          "candidates (" + candidates + ") must be >= topK (" + topK + ")");
    }
  }

  /** A two-stage query on the asymmetric (query-passage) branch with the default candidates. */
  public static SearchQuery of(String text, int topK) {
    return new SearchQuery(
        text, topK, Branch.ASYMMETRIC, SearchMode.TWO_STAGE, Math.max(topK, DEFAULT_CANDIDATES));
  }
}
