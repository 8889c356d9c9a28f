package dev.d2llm.mining;

import dev.d2llm.data.TrainingExample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * The mining view of one data set: its distinct positives in text order (so that a candidate's
 * index breaks score ties by text), its distinct queries, and what each query must not receive.
 */
final class CandidatePool {

  private final List<String> texts;
  private final Map<String, Set<String>> excluded;

  private CandidatePool(List<String> texts, Map<String, Set<String>> excluded) {
    this.texts = texts;
    this.excluded = excluded;
  }

  /** The candidates, distinct and sorted. */
  List<String> texts() {
    return texts;
  }

  /** The distinct queries, in the order they first appear. */
  List<String> queries() {
    return List.copyOf(excluded.keySet());
  }

  /** The texts a query must not get: its own positives and itself. */
  Set<String> excludedFor(String query) {
    return excluded.get(query);
  }

  /**
   * Runs a ranker once per data set and hands each example its data set's list for its query. The
   * ranker maps every query of the pool to at most {@code k} allowed candidates, best first.
   */
  static List<List<String>> mine(
      List<TrainingExample> examples,
      int k,
      BiFunction<CandidatePool, Integer, Map<String, List<String>>> ranker) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0, found " + k);
    }
    Map<String, List<TrainingExample>> byDataset = new LinkedHashMap<>();
    for (TrainingExample e : examples) {
      byDataset.computeIfAbsent(e.dataset(), d -> new ArrayList<>()).add(e);
    }
    Map<String, Map<String, List<String>>> ranked = new HashMap<>();
    byDataset.forEach(
        (dataset, members) -> {
          Map<String, List<String>> lists = k == 0 ? Map.of() : ranker.apply(of(members), k);
          ranked.put(dataset, lists);
        });
    List<List<String>> negatives = new ArrayList<>(examples.size());
    for (TrainingExample e : examples) {
      negatives.add(ranked.get(e.dataset()).getOrDefault(e.query(), List.of()));
    }
    return negatives;
  }

  static CandidatePool of(List<TrainingExample> examples) {
    Set<String> texts = new TreeSet<>();
    Map<String, Set<String>> excluded = new LinkedHashMap<>();
    for (TrainingExample e : examples) {
      texts.add(e.positive());
      Set<String> own = excluded.computeIfAbsent(e.query(), q -> new HashSet<>(Set.of(q)));
      own.add(e.positive());
    }
    return new CandidatePool(List.copyOf(texts), excluded);
  }

  /**
   * The {@code k} best allowed candidates by descending score, ties by text; scores index {@link
   * #texts()}.
   */
  List<String> top(float[] scores, String query, int k) {
    Set<String> skip = excludedFor(query);
    // A bounded heap whose head is the weakest kept candidate.
    PriorityQueue<Integer> heap =
        new PriorityQueue<>(
            k + 1,
            (a, b) -> {
              int c = Float.compare(scores[a], scores[b]);
              return c != 0 ? c : Integer.compare(b, a);
            });
    for (int i = 0; i < texts.size(); i++) {
      if (skip.contains(texts.get(i))) {
        continue;
      }
      heap.add(i);
      if (heap.size() > k) {
        heap.poll();
      }
    }
    List<Integer> best = new ArrayList<>(heap);
    best.sort(
        (a, b) -> {
          int c = Float.compare(scores[b], scores[a]);
          return c != 0 ? c : Integer.compare(a, b);
        });
    List<String> out = new ArrayList<>(best.size());
    best.forEach(i -> out.add(texts.get(i)));
    return out;
  }
}
