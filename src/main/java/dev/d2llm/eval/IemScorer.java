package dev.d2llm.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.d2llm.embedding.TextRole;
import dev.d2llm.student.Branch;
import dev.d2llm.student.Student;
import dev.d2llm.teacher.TextPair;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The D2LLM way: each text embedded once by the student, every pair scored by the IEM on the task's
 * branch.
 */
public final class IemScorer implements PairScorer {

  private static final int CHUNK = 4096;

  private final Student student;
  private final EmbeddingMemo memo;

  public IemScorer(Student student) {
    this(student, student);
  }

  /**
   * Scores with {@code student}'s IEM on vectors from {@code vectors} (a cache of a frozen
   * student's, during training).
   */
  public IemScorer(Student student, dev.d2llm.embedding.TextEncoder vectors) {
    this.student = student;
    this.memo = new EmbeddingMemo(vectors);
  }

  @Override
  public double[] score(List<TextPair> pairs, Branch branch, IntConsumer progress) {
    // A residual student reads retrieval queries with its query prefix, as search does.
    TextRole left = branch == Branch.ASYMMETRIC ? TextRole.QUERY : TextRole.PLAIN;
    TextRole right = branch == Branch.ASYMMETRIC ? TextRole.PASSAGE : TextRole.PLAIN;
    Map<String, float[]> queries = memo.embed(pairs.stream().map(TextPair::query).toList(), left);
    Map<String, float[]> passages =
        memo.embed(pairs.stream().map(TextPair::passage).toList(), right);
    double[] out = new double[pairs.size()];
    int d = student.dimension();
    for (int start = 0; start < pairs.size(); start += CHUNK) {
      int end = Math.min(pairs.size(), start + CHUNK);
      float[] q = new float[(end - start) * d];
      float[] p = new float[(end - start) * d];
      for (int i = start; i < end; i++) {
        System.arraycopy(queries.get(pairs.get(i).query()), 0, q, (i - start) * d, d);
        System.arraycopy(passages.get(pairs.get(i).passage()), 0, p, (i - start) * d, d);
      }
      try (NDManager scope = student.manager().newSubManager()) {
        NDArray z =
            student
                .iem()
                .score(
                    null,
                    scope.create(q, new ai.djl.ndarray.types.Shape(end - start, d)),
                    scope.create(p, new ai.djl.ndarray.types.Shape(end - start, d)),
                    branch,
                    false)
                .logits();
        float[] logits = z.toFloatArray();
        for (int i = start; i < end; i++) {
          out[i] = logits[i - start];
        }
      }
      progress.accept(end - start);
    }
    return out;
  }
}
