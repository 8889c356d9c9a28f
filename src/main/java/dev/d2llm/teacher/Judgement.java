package dev.d2llm.teacher;

/**
 * A teacher's verdict on one pair: the probability of relevance and the feature vector behind it.
 */
public record Judgement(float score, float[] feature) {

  public Judgement {
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException("a teacher score is a probability, found " + score);
    }
  }
}
