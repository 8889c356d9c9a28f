package dev.d2llm.teacher;

/**
 * A pair with the probability a teacher should learn to give it (an STS score rescaled to [0, 1],
 * or a 0/1 label).
 */
public record ScoredPair(TextPair pair, float target) {

  public ScoredPair {
    if (!(target >= 0 && target <= 1)) {
      throw new IllegalArgumentException("a target is a probability in [0, 1], found " + target);
    }
  }
}
