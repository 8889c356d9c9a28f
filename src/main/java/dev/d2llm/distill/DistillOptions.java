package dev.d2llm.distill;

import dev.d2llm.distill.loss.DistillationLoss;

/**
 * The training run's settings, with the method's defaults: batch 32, K 8, 5 epochs, lr 1e-4,
 * warm-up 1000 steps (capped at a tenth of the run), clipping 1.0, seed 2023, validation every 300
 * steps, early stopping after 5 validations without improvement.
 */
public record DistillOptions(
    int batchSize,
    int negatives,
    int epochs,
    float learningRate,
    long warmupSteps,
    double clipNorm,
    long seed,
    int validateEvery,
    int patience,
    int checkpointEvery,
    DistillationLoss loss) {

  public static DistillOptions defaults() {
    return new DistillOptions(
        32, 8, 5, 1e-4f, 1000, 1.0, 2023, 300, 5, 300, DistillationLoss.DEFAULTS);
  }

  public DistillOptions {
    require(batchSize >= 2, "batch size must be >= 2 (in-batch negatives)", batchSize);
    require(negatives >= 1, "negatives must be >= 1", negatives);
    require(epochs >= 1, "epochs must be >= 1", epochs);
    require(learningRate > 0, "learning rate must be > 0", learningRate);
    require(warmupSteps >= 0, "warm-up steps must be >= 0", warmupSteps);
    require(clipNorm > 0, "clip norm must be > 0", clipNorm);
    require(validateEvery >= 1, "validate-every must be >= 1", validateEvery);
    require(patience >= 1, "patience must be >= 1", patience);
    require(checkpointEvery >= 1, "checkpoint-every must be >= 1", checkpointEvery);
    require(loss != null, "a loss is needed", loss);
  }

  /** Fails with the rule and the value given, so the message names what is wrong. */
  private static void require(boolean holds, String rule, Object value) {
    if (!holds) {
      throw new IllegalArgumentException("distillation options: " + rule + ", found " + value);
    }
  }
}
