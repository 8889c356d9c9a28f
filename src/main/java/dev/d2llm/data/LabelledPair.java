package dev.d2llm.data;

import java.util.Objects;

/**
 * Two texts and a numeric label whose meaning the {@link PairTask} of their file gives: an STS
 * score, 0/1 for pair classification, or an {@link NliLabel#value()}.
 */
public record LabelledPair(String text1, String text2, double label) {

  public LabelledPair {
    Objects.requireNonNull(text1, "text1");
    Objects.requireNonNull(text2, "text2");
    if (!Double.isFinite(label)) {
      throw new IllegalArgumentException("label must be a finite number, found " + label);
    }
  }
}
