package dev.d2llm.train;

/**
 * Linear warm-up from 0 to the peak rate over {@code warmupSteps}, then linear decay to 0 at {@code
 * totalSteps} (transformers' {@code get_linear_schedule_with_warmup}, which the reference uses).
 */
public record LearningRateSchedule(float peak, long warmupSteps, long totalSteps) {

  public LearningRateSchedule {
    if (!(peak > 0)) {
      throw new IllegalArgumentException("learning rate must be > 0, found " + peak);
    }
    if (warmupSteps < 0 || totalSteps < 1) {
      throw new IllegalArgumentException(
          "need warmup >= 0 and total >= 1 steps, found " + warmupSteps + ", " + totalSteps);
    }
  }

  /** The rate for update number {@code step} (1-based). */
  public float at(long step) {
    if (step <= warmupSteps) {
      return peak * step / Math.max(1, warmupSteps);
    }
    long remaining = Math.max(0, totalSteps - step);
    return peak * remaining / Math.max(1, totalSteps - warmupSteps);
  }
}
