package dev.d2llm.mining;

import dev.d2llm.data.TrainingExample;
import dev.d2llm.embedding.SentenceEncoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Mines hard negatives by exact cosine similarity between embeddings. The embedding function is
 * whatever encoder is at hand (a bi-encoder, later the student); it is called once per data set for
 * the pool and once for the queries.
 */
public final class DenseMiner implements NegativeMiner {

  private final Function<List<String>, float[][]> embedQueries;
  private final Function<List<String>, float[][]> embedCandidates;

  /** Embeds queries and candidates alike (symmetric models). */
  public DenseMiner(Function<List<String>, float[][]> embed) {
    this(embed, embed);
  }

  /**
   * Embeds queries and candidates with their own functions, for models that prefix them
   * differently.
   */
  public DenseMiner(
      Function<List<String>, float[][]> embedQueries,
      Function<List<String>, float[][]> embedCandidates) {
    this.embedQueries = Objects.requireNonNull(embedQueries, "embedQueries");
    this.embedCandidates = Objects.requireNonNull(embedCandidates, "embedCandidates");
  }

  @Override
  public List<List<String>> negatives(List<TrainingExample> examples, int k) {
    return CandidatePool.mine(examples, k, this::rank);
  }

  private Map<String, List<String>> rank(CandidatePool pool, int k) {
    List<String> queries = pool.queries();
    float[][] candidates =
        unit(embedCandidates.apply(pool.texts()), pool.texts().size(), "candidates");
    float[][] queryVectors = unit(embedQueries.apply(queries), queries.size(), "queries");
    if (queryVectors.length > 0
        && candidates.length > 0
        && queryVectors[0].length != candidates[0].length) {
      throw new IllegalArgumentException(
          "query embeddings have dimension "
              + queryVectors[0].length
              + " but candidate embeddings "
              + candidates[0].length);
    }
    Map<String, List<String>> ranked = new LinkedHashMap<>();
    float[] scores = new float[candidates.length];
    for (int q = 0; q < queries.size(); q++) {
      for (int c = 0; c < candidates.length; c++) {
        scores[c] = dot(queryVectors[q], candidates[c]);
      }
      ranked.put(queries.get(q), pool.top(scores, queries.get(q), k));
    }
    return ranked;
  }

  /**
   * Checks what the embedding function returned and scales every row to unit length (zero rows stay
   * zero).
   */
  private static float[][] unit(float[][] vectors, int expected, String what) {
    if (vectors == null || vectors.length != expected) {
      throw new IllegalArgumentException(
          "the embedding function returned "
              + (vectors == null ? "null" : vectors.length + " vectors")
              + " for "
              + expected
              + " "
              + what);
    }
    float[][] out = new float[expected][];
    int dimension = -1;
    for (int i = 0; i < expected; i++) {
      float[] v = vectors[i];
      if (v == null || v.length == 0 || (dimension != -1 && v.length != dimension)) {
        throw new IllegalArgumentException(
            "embedding "
                + i
                + " of the "
                + what
                + " has "
                + (v == null ? "no vector" : "dimension " + v.length)
                + ", expected "
                + (dimension == -1 ? "a non-empty vector" : "dimension " + dimension));
      }
      dimension = v.length;
      for (float x : v) {
        if (!Float.isFinite(x)) {
          throw new IllegalArgumentException("embedding " + i + " of the " + what + " holds " + x);
        }
      }
      out[i] = SentenceEncoder.unit(v);
    }
    return out;
  }

  private static float dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return (float) s;
  }
}
