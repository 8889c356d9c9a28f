package dev.d2llm.distill.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.d2llm.nn.Scalars;

/**
 * In-batch contrastive loss: each query's own positive must win a softmax over all the batch's
 * positives, the others acting as easy negatives.
 */
public final class InBatchContrastiveLoss {

  private InBatchContrastiveLoss() {}

  /**
   * {@code -(1/B) Σ_i log softmax(z_i· / tau)_i} for student logits {@code z[i][j] = z(q_i, p_j)}
   * of shape [B,B]; a scalar. Averaged over the B queries, not over the B² logits as the reference
   * code does, so the scale does not shrink with the batch size.
   */
  public static NDArray compute(NDArray logits, float temperature) {
    Shape shape = Shapes.requireRank("in-batch logits", logits, 2, "(B, B)");
    if (shape.get(0) != shape.get(1) || shape.get(0) == 0) {
      throw new IllegalArgumentException(
          "in-batch logits: expected shape (B, B) with B > 0, found " + shape);
    }
    Shapes.requireTemperature("in-batch temperature", temperature);
    // logSoftmax subtracts the row maximum, so large logits cannot overflow.
    return Scalars.div(logits, temperature).logSoftmax(1).diagonal().mean().neg();
  }

  /**
   * The same softmax with each query's own hard negatives [B,K] beside the batch's positives, as
   * sentence-transformers' multiple-negatives ranking loss takes mined negatives: the objective of
   * a bi-encoder fine-tuned on gold labels alone.
   */
  public static NDArray withHardNegatives(NDArray logits, NDArray hardLogits, float temperature) {
    Shape shape = Shapes.requireRank("in-batch logits", logits, 2, "(B, B)");
    Shape hard = Shapes.requireRank("hard-negative logits", hardLogits, 2, "(B, K)");
    if (shape.get(0) != shape.get(1) || shape.get(0) == 0 || hard.get(0) != shape.get(0)) {
      throw new IllegalArgumentException(
          "in-batch logits "
              + shape
              + " and hard-negative logits "
              + hard
              + ": expected (B, B) and (B, K) with B > 0");
    }
    Shapes.requireTemperature("in-batch temperature", temperature);
    NDArray all = logits.concat(hardLogits, 1); // the target of row i is still column i
    return Scalars.div(all, temperature)
        .logSoftmax(1)
        .get(":, :{}", shape.get(0))
        .diagonal()
        .mean()
        .neg();
  }
}
