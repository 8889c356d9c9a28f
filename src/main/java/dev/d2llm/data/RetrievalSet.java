package dev.d2llm.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A BEIR retrieval set: corpus and queries by id, in file order, with one split's relevance
 * judgements.
 */
public record RetrievalSet(
    Map<String, CorpusDocument> corpus, Map<String, RetrievalQuery> queries, Qrels qrels) {

  public RetrievalSet {
    corpus = Collections.unmodifiableMap(new LinkedHashMap<>(corpus));
    queries = Collections.unmodifiableMap(new LinkedHashMap<>(queries));
    Objects.requireNonNull(qrels, "qrels");
  }

  /** The queries with at least one document of grade above 0: those an evaluation scores. */
  public List<RetrievalQuery> judgedQueries() {
    return queries.values().stream()
        .filter(q -> qrels.forQuery(q.id()).values().stream().anyMatch(g -> g > 0))
        .toList();
  }

  /**
   * The same corpus judged on its first {@code n} judged queries only (a quicker, smaller
   * evaluation).
   */
  public RetrievalSet firstQueries(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, found " + n);
    }
    Map<String, Map<String, Integer>> kept = new LinkedHashMap<>();
    judgedQueries().stream().limit(n).forEach(q -> kept.put(q.id(), qrels.forQuery(q.id())));
    return new RetrievalSet(corpus, queries, new Qrels(kept));
  }
}
