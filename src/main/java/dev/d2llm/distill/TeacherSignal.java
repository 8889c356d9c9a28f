package dev.d2llm.distill;

/**
 * How the distiller reads the teacher's judgements: as the probabilities the teacher gives (the
 * paper's) or as their log-odds, plus {@code cosineWeight} x the student's own frozen cosine of the
 * pair (the teacher fused with the first stage it re-ranks). A sharp teacher (a cross-encoder
 * trained listwise gives most negatives 1e-4) has probabilities that tie its negatives, so RI's
 * correlation then asks the student to tie them too; their log-odds keep the teacher's order.
 *
 * @param logOdds read {@code log(p / (1 - p))}, p clamped to [1e-6, 1 - 1e-6], instead of p
 * @param cosineWeight weight of the student's frozen cosine added to each teacher score, >= 0
 */
public record TeacherSignal(boolean logOdds, double cosineWeight) {

  /** The paper's: the teacher's probabilities as they are. */
  public static final TeacherSignal PROBABILITIES = new TeacherSignal(false, 0);

  private static final float EDGE = 1e-6f;

  public TeacherSignal {
    if (!Double.isFinite(cosineWeight) || cosineWeight < 0) {
      throw new IllegalArgumentException(
          "the teacher's cosine weight must be finite and >= 0, found " + cosineWeight);
    }
  }

  /** The teacher score the losses read for a judgement of probability {@code p}. */
  public float score(float p) {
    if (!logOdds) {
      return p;
    }
    float q = Math.min(1 - EDGE, Math.max(EDGE, p));
    return (float) Math.log(q / (1 - q));
  }
}
