package dev.d2llm.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Graded relevance judgements: query id to corpus id to grade, in file order. A grade of 0 is an
 * explicit judgement of non-relevance, kept as given.
 */
public record Qrels(Map<String, Map<String, Integer>> byQuery) {

  public Qrels {
    Map<String, Map<String, Integer>> copy = new LinkedHashMap<>();
    byQuery.forEach(
        (q, docs) -> copy.put(q, Collections.unmodifiableMap(new LinkedHashMap<>(docs))));
    byQuery = Collections.unmodifiableMap(copy);
  }

  /** The judged documents of a query and their grades; empty for a query without judgements. */
  public Map<String, Integer> forQuery(String queryId) {
    return byQuery.getOrDefault(queryId, Map.of());
  }

  /** The grade of a document for a query; 0 when it is not judged. */
  public int grade(String queryId, String corpusId) {
    return forQuery(queryId).getOrDefault(corpusId, 0);
  }

  /** The ids of the queries that have judgements. */
  public Set<String> queryIds() {
    return byQuery.keySet();
  }
}
