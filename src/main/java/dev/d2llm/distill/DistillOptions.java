package dev.d2llm.distill;

import dev.d2llm.distill.loss.DistillationLoss;

/**
 * The training run's settings, with the method's defaults: batch 32, K 8, 5 epochs, lr 1e-4, warm-up
 * 1000 steps (capped at a tenth of the run), clipping 1.0, seed 2023, validation every 300 steps,
 * early stopping after 5 validations without improvement.
 */
public record DistillOptions(int batchSize, int negatives, int epochs, float learningRate, long warmupSteps,
    double clipNorm, long seed, int validateEvery, int patience, int checkpointEvery, DistillationLoss loss) {

  public static DistillOptions defaults() {
    return new DistillOptions(32, 8, 5, 1e-4f, 1000, 1.0, 2023, 300, 5, 300, DistillationLoss.DEFAULTS);
  }

  public DistillOptions {
    if (batchSize < 2 || negatives < 1 || epochs < 1 || !(learningRate > 0) || warmupSteps < 0 || !(clipNorm > 0)
        || validateEvery < 1 || patience < 1 || checkpointEvery < 1 || loss == null) {
      throw new IllegalArgumentException("invalid distillation options: " + this);
    }
  }
}
