package dev.d2llm.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A BEIR retrieval set: corpus and queries by id, in file order, with one split's relevance judgements. */
public record RetrievalSet(Map<String, CorpusDocument> corpus, Map<String, RetrievalQuery> queries, Qrels qrels) {

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
}
