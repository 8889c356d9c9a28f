package dev.d2llm.distill.loss;

import ai.djl.ndarray.NDArray;
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
 * @param hardNegativesInBatch whether the in-batch softmax also holds each query's hard negatives
 *     (false: the paper's, over the batch's positives only)
 */
public record DistillationLoss(
    float alpha,
    float beta,
    float gamma,
    float eta,
    float inBatchTemperature,
    float imitationTemperature,
    float lambda,
    boolean hardNegativesInBatch) {

  /**
   * The method's defaults: alpha = 1, beta = 1, gamma = 0.01, eta = 0.001, both temperatures 1, no
   * PI.
   */
  public static final DistillationLoss DEFAULTS =
      new DistillationLoss(1f, 1f, 0.01f, 0.001f, 1f, 1f);

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
  public DistillationLoss(
      float alpha,
      float beta,
      float gamma,
      float eta,
      float inBatchTemperature,
      float imitationTemperature) {
    this(alpha, beta, gamma, eta, inBatchTemperature, imitationTemperature, 0f);
  }

  /** The paper's in-batch softmax with the given weights. */
  public DistillationLoss(
      float alpha,
      float beta,
      float gamma,
      float eta,
      float inBatchTemperature,
      float imitationTemperature,
      float lambda) {
    this(alpha, beta, gamma, eta, inBatchTemperature, imitationTemperature, lambda, false);
  }

  /**
   * The teacher-free objective of a bi-encoder fine-tuned on gold labels, the baseline D2LLM must
   * beat: the in-batch softmax over the batch's positives and the query's hard negatives, nothing
   * else (sentence-transformers' multiple-negatives ranking loss with mined negatives).
   */
  public static final DistillationLoss GOLD_CONTRASTIVE =
      new DistillationLoss(0f, 0f, 0f, 0f, 1f, 1f, 0f, true);

  /** The same objective with pointwise imitation weighted by {@code weight}. */
  public DistillationLoss withPointwise(float weight) {
    return new DistillationLoss(
        alpha,
        beta,
        gamma,
        eta,
        inBatchTemperature,
        imitationTemperature,
        weight,
        hardNegativesInBatch);
  }

  /**
   * Whether any term reads the teacher's scores or features (the gold-label objective does not).
   */
  public boolean needsTeacher() {
    return alpha > 0 || beta > 0 || gamma > 0 || eta > 0 || lambda > 0;
  }

  /**
   * Every part and their weighted total for {@code batch}, as arrays in the batch's managers and
   * still in the autograd graph; call under a scoped manager and differentiate {@code total}.
   */
  public LossParts compute(DistillationBatch batch) {
    var inBatch =
        hardNegativesInBatch
            ? InBatchContrastiveLoss.withHardNegatives(
                batch.inBatchLogits(), batch.hardLogits(), inBatchTemperature)
            : InBatchContrastiveLoss.compute(batch.inBatchLogits(), inBatchTemperature);
    // A term of weight 0 is not computed: the gold-label objective has no teacher scores, and RI's
    // correlation of constant scores would be NaN, which a zero weight does not cancel.
    NDArray zero = inBatch.getManager().zeros(inBatch.getShape(), inBatch.getDataType());
    var ci =
        alpha == 0
            ? zero
            : ContrastiveImitationLoss.compute(
                batch.positiveLogits(),
                batch.positiveTeacher(),
                batch.hardLogits(),
                batch.hardTeacher(),
                imitationTemperature);
    var ri1 =
        beta == 0
            ? zero
            : RankImitationLoss.pearson(batch.candidateLogits(), batch.candidateTeacher());
    var ri2 =
        gamma == 0
            ? zero
            : RankImitationLoss.pairwise(
                batch.hardLogits(), batch.hardTeacher(), batch.easyLogits(), batch.easyTeacher());
    var fi =
        eta == 0
            ? zero
            : FeatureImitationLoss.compute(batch.studentFeatures(), batch.teacherFeatures());
    var pi =
        lambda == 0
            ? zero
            : PointwiseImitationLoss.compute(
                new NDArray[] {batch.positiveLogits(), batch.hardLogits(), batch.easyLogits()},
                new NDArray[] {batch.positiveTeacher(), batch.hardTeacher(), batch.easyTeacher()});
    var total =
        inBatch
            .add(Scalars.mul(ci, alpha))
            .add(Scalars.mul(ri1, beta))
            .add(Scalars.mul(ri2, gamma))
            .add(Scalars.mul(fi, eta))
            .add(Scalars.mul(pi, lambda));
    return new LossParts(total, inBatch, ci, ri1, ri2, fi, pi);
  }

  private static void requireWeight(String name, float weight) {
    if (!(weight >= 0) || Float.isInfinite(weight)) {
      throw new IllegalArgumentException(name + " must be a finite weight >= 0, found " + weight);
    }
  }
}
