package dev.d2llm.distill;

import java.util.Map;

/** What a distillation run reports as it goes. */
public interface DistillListener {

  /** After each update: the step (1-based), the plan's length and the loss parts. */
  void step(long step, long total, Map<String, Float> losses);

  /** After each validation: the score (higher is better) and whether it was the best so far. */
  void validated(long step, double score, boolean best);
}
