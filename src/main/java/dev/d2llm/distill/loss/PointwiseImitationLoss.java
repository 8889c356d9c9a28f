package dev.d2llm.distill.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import dev.d2llm.nn.Scalars;

/**
 * Pointwise imitation (PI), an addition to the paper's objective: binary cross-entropy between the
 * student's probability {@code sigmoid(z)} and the teacher's {@code s} on every pair the batch
 * scores (positives, hard negatives, in-batch negatives). The paper's terms are all unchanged by
 * adding a constant to one query's logits, so nothing ties scores of different queries together; PI
 * does, which is what a global metric (STS Spearman, pair-classification AP) or one relevance
 * threshold for every query needs. Off (weight 0) by default.
 */
public final class PointwiseImitationLoss {

  private PointwiseImitationLoss() {}

  /**
   * {@code mean(softplus(z) - s z)} over all given logits and teacher probabilities, written stably
   * ({@code softplus(z) = max(z, 0) + log(1 + e^-|z|)}); a scalar. The teacher is constant. Each
   * logit array must have the shape of its teacher array.
   */
  public static NDArray compute(NDArray[] logits, NDArray[] teacher) {
    if (logits.length == 0 || logits.length != teacher.length) {
      throw new IllegalArgumentException(
          "PI: expected as many teacher arrays as logit arrays (at least one), found "
              + logits.length
              + " and "
              + teacher.length);
    }
    NDList z = new NDList();
    NDList s = new NDList();
    for (int i = 0; i < logits.length; i++) {
      Shapes.require("PI teacher", teacher[i], logits[i].getShape().getShape());
      z.add(logits[i].flatten());
      s.add(teacher[i].stopGradient().flatten());
    }
    NDArray allZ = concat(z);
    NDArray allS = concat(s);
    NDArray softplus = Activation.relu(allZ).add(Scalars.add(allZ.abs().neg().exp(), 1).log());
    return softplus.sub(allS.mul(allZ)).mean();
  }

  private static NDArray concat(NDList parts) {
    return parts.size() == 1 ? parts.head() : NDArrays.concat(parts);
  }
}
