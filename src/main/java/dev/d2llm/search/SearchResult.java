package dev.d2llm.search;

import java.util.List;

/** Hits best first, with where the time went (milliseconds). */
public record SearchResult(List<SearchHit> hits, SearchMode mode, int candidates, Timings timings) {

  public SearchResult {
    hits = List.copyOf(hits);
  }

  /** Milliseconds spent encoding the query, scanning, re-ranking with the IEM, and in all. */
  public record Timings(double encodeMs, double scanMs, double iemMs, double totalMs) {}
}
