package dev.d2llm.student;

import dev.d2llm.data.TrainingExample;
import dev.d2llm.embedding.SentenceEncoder;
import dev.d2llm.embedding.TextRole;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a student's cosines divide related from unrelated pairs: halfway between the mean cosine of
 * query-positive pairs and that of query-hard-negative pairs over a sample of training examples. A
 * residual IEM centred there ({@link InteractionEmulation#centreCosineAt}) starts calibrated.
 */
public final class CosineMidpoint {

  /** Examples read; their first hard negatives only. */
  static final int SAMPLE = 400;

  static final int NEGATIVES = 3;

  private CosineMidpoint() {}

  /** The midpoint for {@code student} on {@code branch} over the first {@link #SAMPLE} examples. */
  public static float of(Student student, Branch branch, List<TrainingExample> examples) {
    List<TrainingExample> sample = examples.subList(0, Math.min(SAMPLE, examples.size()));
    if (sample.isEmpty()) {
      throw new IllegalArgumentException("no training examples to calibrate on");
    }
    List<String> queries = new ArrayList<>();
    List<String> passages = new ArrayList<>();
    for (TrainingExample e : sample) {
      queries.add(e.query());
      passages.add(e.positive());
      passages.addAll(e.negatives().subList(0, Math.min(NEGATIVES, e.negatives().size())));
    }
    boolean asymmetric = branch == Branch.ASYMMETRIC;
    float[][] q = student.embed(queries, asymmetric ? TextRole.QUERY : TextRole.PLAIN);
    float[][] p = student.embed(passages, asymmetric ? TextRole.PASSAGE : TextRole.PLAIN);
    double positive = 0;
    double negative = 0;
    int negatives = 0;
    int at = 0;
    for (int i = 0; i < sample.size(); i++) {
      positive += SentenceEncoder.cosine(q[i], p[at++]);
      int n = Math.min(NEGATIVES, sample.get(i).negatives().size());
      for (int j = 0; j < n; j++) {
        negative += SentenceEncoder.cosine(q[i], p[at++]);
        negatives++;
      }
    }
    if (negatives == 0) {
      throw new IllegalArgumentException(
          "the calibration examples have no hard negatives; mine them first");
    }
    return (float) ((positive / sample.size() + negative / negatives) / 2);
  }
}
