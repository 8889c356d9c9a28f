package dev.d2llm.distill.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.d2llm.nn.Scalars;

/**
 * Rank imitation (RI): the student's ordering of candidates should follow the teacher's, through a
 * correlation term over each query's candidates (RI-1) and a teacher-weighted pairwise term that
 * puts hard negatives above easy ones (RI-2).
 */
public final class RankImitationLoss {

  /**
   * Added to each side's sum of squared deviations in the Pearson denominator. Without it a query
   * whose student (or teacher) scores are all equal divides 0 by 0; with it the correlation is 0
   * there (loss 1) and the gradient stays finite. Far below any real spread of logits, so it does
   * not move the value otherwise.
   */
  public static final float PEARSON_EPSILON = 1e-8f;

  private RankImitationLoss() {}

  /**
   * RI-1: mean over the B queries of {@code 1 - pearson(z_i·, s_i·)}, for student logits {@code
   * candidateLogits} and teacher probabilities {@code candidateTeacher}, both [B,C] with the
   * positive first then the K hard negatives (C = 1+K ≥ 2); a scalar. The teacher is constant.
   */
  public static NDArray pearson(NDArray candidateLogits, NDArray candidateTeacher) {
    Shape shape = Shapes.requireRank("RI-1 candidate logits", candidateLogits, 2, "(B, 1+K)");
    if (shape.get(1) < 2) {
      throw new IllegalArgumentException(
          "RI-1 candidate logits: expected shape (B, 1+K) with at least 2 candidates, found "
              + shape);
    }
    Shapes.require("RI-1 candidate teacher", candidateTeacher, shape.getShape());
    int[] candidates = {1};
    NDArray z = candidateLogits.sub(candidateLogits.mean(candidates, true));
    NDArray s = candidateTeacher.stopGradient();
    s = s.sub(s.mean(candidates, true));
    NDArray covariance = z.mul(s).sum(candidates);
    NDArray zSpread = Scalars.add(z.square().sum(candidates), PEARSON_EPSILON).sqrt();
    NDArray sSpread = Scalars.add(s.square().sum(candidates), PEARSON_EPSILON).sqrt();
    NDArray correlation = covariance.div(zSpread.mul(sSpread));
    return Scalars.rsub(1, correlation).mean();
  }

  /**
   * RI-2: for hard logits {@code hardLogits} [B,K], easy logits {@code easyLogits} [B,E] and their
   * teacher probabilities of the same shapes, the mean over all B·K·E (query, hard, easy) triples
   * of {@code -w log sigmoid(z_ik - z_ij)} with {@code w = max(0, s_ik - s_ij)}; a scalar.
   * Averaging over every triple, zero-weight ones included, keeps the scale independent of how
   * often the teacher agrees; the weights are constant.
   */
  public static NDArray pairwise(
      NDArray hardLogits, NDArray hardTeacher, NDArray easyLogits, NDArray easyTeacher) {
    Shape hard = Shapes.requireRank("RI-2 hard logits", hardLogits, 2, "(B, K)");
    long b = hard.get(0);
    Shape easy = Shapes.requireRank("RI-2 easy logits", easyLogits, 2, "(B, E)");
    Shapes.require("RI-2 easy logits", easyLogits, b, easy.get(1));
    if (b * hard.get(1) * easy.get(1) == 0) {
      // The mean over no triples would be NaN.
      throw new IllegalArgumentException(
          "RI-2: expected B, K and E > 0, found hard logits " + hard + " and easy logits " + easy);
    }
    Shapes.require("RI-2 hard teacher", hardTeacher, hard.getShape());
    Shapes.require("RI-2 easy teacher", easyTeacher, easy.getShape());
    NDArray weight =
        Scalars.maximum(
            hardTeacher.stopGradient().expandDims(2).sub(easyTeacher.stopGradient().expandDims(1)),
            0); // [B,K,E]
    NDArray margin = hardLogits.expandDims(2).sub(easyLogits.expandDims(1)); // [B,K,E]
    return weight.mul(softplus(margin.neg())).mean();
  }

  /**
   * {@code log(1 + e^x) = -log sigmoid(-x)} as {@code m + log(e^{-m} + e^{x-m})} with {@code m =
   * max(0, x)} held constant: neither exponent can overflow, and since the value does not depend on
   * m the gradient is exactly sigmoid(x), with no kink at x = 0.
   */
  static NDArray softplus(NDArray x) {
    NDArray m = Scalars.maximum(x, 0).stopGradient();
    return m.neg().exp().add(x.sub(m).exp()).log().add(m);
  }
}
