package dev.d2llm.distill.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Feature imitation (FI): the student's branch features over a query's candidates should relate to
 * each other as the teacher's do, compared through their cosine Gram matrices so the two feature
 * widths may differ.
 */
public final class FeatureImitationLoss {

  /**
   * Floor under a feature row's norm before dividing, as torch's {@code F.normalize} does; a zero
   * row gives a zero row.
   */
  public static final double NORM_FLOOR = 1e-12;

  private FeatureImitationLoss() {}

  /**
   * Mean over the B queries of {@code ||C_T - C_S||_F² / (K+1)²}, where {@code C = ĝ ĝᵀ} is the
   * (K+1)x(K+1) Gram matrix of row-normalised features, for student features {@code student}
   * [B,K+1,m] and teacher features {@code teacher} [B,K+1,n]; a scalar. The teacher is constant.
   */
  public static NDArray compute(NDArray student, NDArray teacher) {
    Shape s = Shapes.requireRank("FI student features", student, 3, "(B, K+1, m)");
    Shape t = Shapes.requireRank("FI teacher features", teacher, 3, "(B, K+1, n)");
    if (s.get(0) != t.get(0) || s.get(1) != t.get(1)) {
      throw new IllegalArgumentException(
          "FI teacher features: expected shape ("
              + s.get(0)
              + ", "
              + s.get(1)
              + ", n) to match the student's "
              + s
              + ", found "
              + t);
    }
    NDArray gramStudent = cosineGram(student);
    NDArray gramTeacher = cosineGram(teacher.stopGradient());
    // Summing (K+1)² squared entries and dividing by (K+1)² is the mean over them.
    return gramTeacher.sub(gramStudent).square().mean();
  }

  private static NDArray cosineGram(NDArray features) {
    NDArray unit = features.normalize(2, -1, NORM_FLOOR);
    return unit.batchMatMul(unit.swapAxes(1, 2));
  }
}
