package dev.d2llm.eval;

import dev.d2llm.embedding.SentenceEncoder;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The first stage of two-stage search over an embedded corpus, as the evaluations run it: each
 * query's top passages by cosine, ties broken by passage id.
 */
final class CosineCandidates {

  private final float[][] unit;
  private final List<String> ids;

  /** Over {@code passages} (one vector per id, in the order of {@code ids}; not modified). */
  CosineCandidates(float[][] passages, List<String> ids) {
    this.unit = new float[passages.length][];
    for (int i = 0; i < passages.length; i++) {
      unit[i] = SentenceEncoder.unit(passages[i]);
    }
    this.ids = ids;
  }

  /** The cosine of {@code query} with every passage, in row order. */
  double[] cosines(float[] query) {
    float[] q = SentenceEncoder.unit(query);
    double[] cos = new double[unit.length];
    for (int i = 0; i < unit.length; i++) {
      double dot = 0;
      for (int j = 0; j < q.length; j++) {
        dot += q[j] * unit[i][j];
      }
      cos[i] = dot;
    }
    return cos;
  }

  /** The rows of the {@code c} passages nearest to {@code query} by cosine, best first. */
  int[] top(float[] query, int c) {
    return top(cosines(query), c);
  }

  /** The rows of the {@code c} highest of {@link #cosines}, best first, ties by passage id. */
  int[] top(double[] cos, int c) {
    return IntStream.range(0, cos.length)
        .boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -cos[i]).thenComparing(ids::get))
        .limit(Math.min(c, ids.size()))
        .mapToInt(Integer::intValue)
        .toArray();
  }
}
