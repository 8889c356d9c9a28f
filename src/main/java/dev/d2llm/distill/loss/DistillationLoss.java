package dev.d2llm.distill.loss;

import dev.d2llm.nn.Scalars;
/**
 * The D2LLM objective {@code L = L_inbatch + alpha L_CI + beta L_RI1 + gamma L_RI2 + eta L_FI},
 * with its weights and temperatures; {@link #DEFAULTS} holds the method's values. An optional
 * {@code + lambda L_PI} ({@link PointwiseImitationLoss}, not in the paper) is off by default.
 *
 * @param alpha weight of contrastive imitation, ≥ 0
 * @param beta weight of RI-1 (correlation), ≥ 0
 * @param gamma weight of RI-2 (pairwise), ≥ 0
 * @param eta weight of feature imitation, ≥ 0
 * @param inBatchTemperature temperature of the in-batch contrastive softmax, > 0
 * @param imitationTemperature temperature of the contrastive imitation softmax, > 0
 * @param lambda weight of pointwise imitation, ≥ 0 (0: the paper's objective)
 */
public record DistillationLoss(
    float alpha, float beta, float gamma, float eta, float inBatchTemperature, float imitationTemperature, float lambda) {

  /** The method's defaults: alpha = 1, beta = 1, gamma = 0.01, eta = 0.001, both temperatures 1, no PI. */
  public static final DistillationLoss DEFAULTS = new DistillationLoss(1f, 1f, 0.01f, 0.001f, 1f, 1f);

  public DistillationLoss {
    requireWeight("alpha", alpha);
    requireWeight("beta", beta);
    requireWeight("gamma", gamma);
    requireWeight("eta", eta);
    requireWeight("lambda", lambda);
    Shapes.requireTemperature("inBatchTemperature", inBatchTemperature);
    Shapes.requireTemperature("imitationTemperature", imitationTemperature);
  }

  /** The paper's objective (no pointwise imitation). */
  public DistillationLoss(float alpha, float beta, float gamma, float eta, float inBatchTemperature, float imitationTemperature) {
    this(alpha, beta, gamma, eta, inBatchTemperature, imitationTemperature, 0f);
  }

  /** The same objective with pointwise imitation weighted by {@code weight}. */
  public DistillationLoss withPointwise(float weight) {
    return new DistillationLoss(alpha, beta, gamma, eta, inBatchTemperature, imitationTemperature, weight);
  }

  /**
   * Every part and their weighted total for {@code batch}, as arrays in the batch's managers and
   * still in the autograd graph; call under a scoped manager and differentiate {@code total}.
   */
  public LossParts compute(DistillationBatch batch) {
    var inBatch = InBatchContrastiveLoss.compute(batch.inBatchLogits(), inBatchTemperature);
    var ci = ContrastiveImitationLoss.compute(
        batch.positiveLogits(), batch.positiveTeacher(), batch.hardLogits(), batch.hardTeacher(),
        imitationTemperature);
    var ri1 = RankImitationLoss.pearson(batch.candidateLogits(), batch.candidateTeacher());
    var ri2 = RankImitationLoss.pairwise(
        batch.hardLogits(), batch.hardTeacher(), batch.easyLogits(), batch.easyTeacher());
    var fi = FeatureImitationLoss.compute(batch.studentFeatures(), batch.teacherFeatures());
    var pi = PointwiseImitationLoss.compute(
        new ai.djl.ndarray.NDArray[] {batch.positiveLogits(), batch.hardLogits(), batch.easyLogits()},
        new ai.djl.ndarray.NDArray[] {batch.positiveTeacher(), batch.hardTeacher(), batch.easyTeacher()});
    var total = inBatch.add(Scalars.mul(ci, alpha)).add(Scalars.mul(ri1, beta)).add(Scalars.mul(ri2, gamma))
        .add(Scalars.mul(fi, eta)).add(Scalars.mul(pi, lambda));
    return new LossParts(total, inBatch, ci, ri1, ri2, fi, pi);
  }

  private static void requireWeight(String name, float weight) {
    if (!(weight >= 0) || Float.isInfinite(weight)) {
      throw new IllegalArgumentException(name + " must be a finite weight >= 0, found " + weight);
    }
  }
}
