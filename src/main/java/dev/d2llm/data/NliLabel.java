package dev.d2llm.data;

import java.util.Locale;
import java.util.Optional;

/**
 * A natural-language-inference judgement. Its {@link #value()} orders the three on one scale
 * (contradiction 0, neutral 0.5, entailment 1) so that a pair keeps one numeric label; pair
 * classification drops the neutral pairs, as MTEB does for NLI sets.
 */
public enum NliLabel {
  ENTAILMENT(1.0),
  NEUTRAL(0.5),
  CONTRADICTION(0.0);

  private final double value;

  NliLabel(double value) {
    this.value = value;
  }

  /** The numeric label a {@link LabelledPair} carries for this judgement. */
  public double value() {
    return value;
  }

  /**
   * The label as written in a pair file ({@code entailment}, any case), or empty for anything else.
   */
  public static Optional<NliLabel> parse(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "entailment" -> Optional.of(ENTAILMENT);
      case "neutral" -> Optional.of(NEUTRAL);
      case "contradiction" -> Optional.of(CONTRADICTION);
      default -> Optional.empty();
    };
  }

  /** The judgement a numeric label stands for; fails for values no NLI label has. */
  public static NliLabel ofValue(double value) {
    for (NliLabel l : values()) {
      if (l.value == value) {
        return l;
      }
    }
    throw new IllegalArgumentException(
        "no NLI label has value " + value + "; expected 0, 0.5 or 1");
  }
}
