package dev.d2llm.eval;

import dev.d2llm.student.Branch;
import dev.d2llm.teacher.TextPair;
import java.util.List;
import java.util.function.IntConsumer;

/** Scores pairs for evaluation: the student's IEM, cosine of embeddings, or a teacher. */
public interface PairScorer {

  /** One score per pair (higher means more related), reporting progress in pairs. */
  double[] score(List<TextPair> pairs, Branch branch, IntConsumer progress);

  /**
   * Scores of one query against many passages; scorers that embed override this to encode the query
   * once.
   */
  default double[] scoreQuery(String query, List<String> passages, Branch branch) {
    return score(passages.stream().map(p -> new TextPair(query, p)).toList(), branch, n -> {});
  }
}
