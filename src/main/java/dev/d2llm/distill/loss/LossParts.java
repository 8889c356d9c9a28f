package dev.d2llm.distill.loss;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The scalar total a training step differentiates and each unweighted part of it, so the training
 * loop can log them apart.
 *
 * @param total {@code inBatch + alpha CI + beta RI-1 + gamma RI-2 + eta FI + lambda PI}
 * @param inBatch in-batch contrastive loss
 * @param contrastiveImitation CI
 * @param rankCorrelation RI-1
 * @param rankPairwise RI-2
 * @param featureImitation FI
 * @param pointwiseImitation PI (computed, and logged, whatever its weight)
 */
public record LossParts(
    NDArray total,
    NDArray inBatch,
    NDArray contrastiveImitation,
    NDArray rankCorrelation,
    NDArray rankPairwise,
    NDArray featureImitation,
    NDArray pointwiseImitation) {

  /**
   * Each value read back to the host by name, in the order of the fields; for logging, not for the
   * graph.
   */
  public Map<String, Float> values() {
    Map<String, Float> values = new LinkedHashMap<>();
    values.put("total", total.getFloat());
    values.put("inBatch", inBatch.getFloat());
    values.put("contrastiveImitation", contrastiveImitation.getFloat());
    values.put("rankCorrelation", rankCorrelation.getFloat());
    values.put("rankPairwise", rankPairwise.getFloat());
    values.put("featureImitation", featureImitation.getFloat());
    values.put("pointwiseImitation", pointwiseImitation.getFloat());
    return values;
  }
}
