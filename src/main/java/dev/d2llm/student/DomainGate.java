package dev.d2llm.student;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.d2llm.embedding.SentenceEncoder;
import dev.d2llm.nn.Scalars;
import java.util.Arrays;

/**
 * Where a residual branch's learned correction applies. A pair's logit is {@code a cos + c + w(q,
 * p) mlp(q, p)}, with the weight {@code w = w_q(q) w_p(p)} rising from 0 to 1 as each side's unit
 * vector moves towards the centre of the branch's training texts: a query or passage unlike
 * anything the branch was trained on is ranked by its backbone's cosine alone, so a branch trained
 * on one domain cannot rank another below its starting point. Each side's ramp runs between two
 * percentiles of the training texts' similarity to their centre; the passage side is optional
 * (null: weight 1).
 */
public record DomainGate(Side query, Side passage) {

  public DomainGate {
    java.util.Objects.requireNonNull(query, "query");
  }

  /**
   * One side's ramp: weight 0 at or below {@code low} similarity to {@code centre} (a unit vector),
   * 1 at {@code high}.
   */
  public record Side(float[] centre, float low, float high) {

    public Side {
      if (!(high > low)) {
        throw new IllegalArgumentException(
            "a domain gate needs high > low, found " + low + ", " + high);
      }
      centre = centre.clone();
    }

    /**
     * The centre of {@code vectors} and the similarities at the two percentiles (0-100) of them.
     */
    public static Side fit(float[][] vectors, double lowPercentile, double highPercentile) {
      if (vectors.length == 0) {
        throw new IllegalArgumentException("a domain gate is fitted on at least one text");
      }
      if (!(lowPercentile >= 0 && lowPercentile < highPercentile && highPercentile <= 100)) {
        throw new IllegalArgumentException(
            "domain gate percentiles need 0 <= low < high <= 100, found "
                + lowPercentile
                + ", "
                + highPercentile);
      }
      int d = vectors[0].length;
      float[] sum = new float[d];
      float[][] unit = new float[vectors.length][];
      for (int i = 0; i < vectors.length; i++) {
        unit[i] = SentenceEncoder.unit(vectors[i]);
        for (int j = 0; j < d; j++) {
          sum[j] += unit[i][j];
        }
      }
      float[] centre = SentenceEncoder.unit(sum);
      double[] sims = new double[unit.length];
      for (int i = 0; i < unit.length; i++) {
        sims[i] = dot(unit[i], centre);
      }
      Arrays.sort(sims);
      float low = (float) percentile(sims, lowPercentile);
      float high = (float) percentile(sims, highPercentile);
      return new Side(centre, low, Math.max(high, low + 1e-4f));
    }

    /** The weight of a unit vector. */
    public float weight(float[] unit) {
      return ramp((float) dot(unit, centre));
    }

    /** The weight of a unit vector whose similarity to the centre is {@code similarity}. */
    public float ramp(float similarity) {
      return Math.min(1f, Math.max(0f, (similarity - low) / (high - low)));
    }

    /** The weights [..] of vectors [.., d] (any norm). */
    NDArray weight(NDArray vectors) {
      NDArray c = vectors.getManager().create(centre).toType(vectors.getDataType(), false);
      NDArray norms = Scalars.maximum(vectors.norm(new int[] {-1}), 1e-12f);
      NDArray sim = vectors.matMul(c).div(norms);
      return Scalars.div(Scalars.sub(sim, low), high - low).clip(0f, 1f);
    }
  }

  /** The weight of a pair of unit vectors. */
  public float weight(float[] unitQuery, float[] unitPassage) {
    return query.weight(unitQuery) * (passage == null ? 1f : passage.weight(unitPassage));
  }

  /**
   * The passage side's weight of a unit passage whose similarity to its centre is {@code
   * similarity}.
   */
  public float passageRamp(float similarity) {
    return passage == null ? 1f : passage.ramp(similarity);
  }

  /** The weights [..] of pairs of vectors [.., d] (any norm). */
  public NDArray weight(NDArray queries, NDArray passages) {
    NDArray q = query.weight(queries);
    if (passage == null) {
      // Broadcast the query's weight over the pairs.
      return q.mul(
          passages
              .getManager()
              .ones(
                  passages.getShape().slice(0, passages.getShape().dimension() - 1),
                  q.getDataType()));
    }
    return q.mul(passage.weight(passages));
  }

  /** The gate as JSON: each side's centre, low and high. */
  public ObjectNode toJson(ObjectMapper json) {
    ObjectNode node = json.createObjectNode();
    node.set("query", side(json, query));
    if (passage != null) {
      node.set("passage", side(json, passage));
    }
    return node;
  }

  /** Reads {@link #toJson}'s form. */
  public static DomainGate fromJson(JsonNode node) {
    return new DomainGate(
        side(node.required("query")), node.has("passage") ? side(node.get("passage")) : null);
  }

  private static ObjectNode side(ObjectMapper json, Side s) {
    ObjectNode node = json.createObjectNode();
    node.put("low", s.low());
    node.put("high", s.high());
    var centre = node.putArray("centre");
    for (float f : s.centre()) {
      centre.add(f);
    }
    return node;
  }

  private static Side side(JsonNode node) {
    JsonNode c = node.required("centre");
    float[] centre = new float[c.size()];
    for (int i = 0; i < centre.length; i++) {
      centre[i] = (float) c.get(i).asDouble();
    }
    return new Side(
        centre, (float) node.required("low").asDouble(), (float) node.required("high").asDouble());
  }

  private static double dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "a domain gate of width " + b.length + " given a vector of width " + a.length);
    }
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** Linear interpolation between the closest ranks, as numpy's default. */
  private static double percentile(double[] sorted, double p) {
    double rank = p / 100 * (sorted.length - 1);
    int lo = (int) Math.floor(rank);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
  }
}
