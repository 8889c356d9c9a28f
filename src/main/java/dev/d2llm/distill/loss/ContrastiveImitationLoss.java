package dev.d2llm.distill.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.d2llm.nn.Scalars;

/**
 * Contrastive imitation (CI): a contrastive loss over each query's positive and hard negatives
 * whose logits the teacher's probabilities reweight, so a negative the teacher finds relevant (a
 * likely false negative) is pushed down less.
 */
public final class ContrastiveImitationLoss {

  private ContrastiveImitationLoss() {}

  /**
   * Mean over the B queries of {@code -log(e^{s+ z+/tau} / (e^{s+ z+/tau} + Σ_k e^{(1-s_k)
   * z_k/tau}))} for student logits {@code positiveLogits} [B] and {@code negativeLogits} [B,K] and
   * teacher probabilities {@code positiveTeacher} [B] and {@code negativeTeacher} [B,K]; a scalar.
   * The teacher's side is treated as a constant: no gradient flows into it.
   */
  public static NDArray compute(
      NDArray positiveLogits,
      NDArray positiveTeacher,
      NDArray negativeLogits,
      NDArray negativeTeacher,
      float temperature) {
    Shape neg = Shapes.requireRank("CI negative logits", negativeLogits, 2, "(B, K)");
    long b = neg.get(0);
    Shapes.require("CI positive logits", positiveLogits, b);
    Shapes.require("CI positive teacher", positiveTeacher, b);
    Shapes.require("CI negative teacher", negativeTeacher, b, neg.get(1));
    Shapes.requireTemperature("CI temperature", temperature);
    NDArray positive =
        Scalars.div(positiveLogits.mul(positiveTeacher.stopGradient()), temperature).expandDims(1);
    NDArray negatives =
        Scalars.div(
            Scalars.rsub(1, negativeTeacher.stopGradient()).mul(negativeLogits), temperature);
    // The ratio is softmax over [positive, negatives] at index 0; logSoftmax keeps it stable.
    NDArray logProbs = positive.concat(negatives, 1).logSoftmax(1);
    return logProbs.get(new NDIndex(":, 0")).mean().neg();
  }
}
