package dev.d2llm.data;

import java.util.OptionalDouble;
import java.util.regex.Pattern;

/** What the labels of a pair file mean, and so how a pair set is evaluated and trained on. */
public enum PairTask {
  /** Graded similarity (STS-B 0-5, SICK 1-5); evaluated by rank correlation. */
  STS("a similarity score (a decimal number)") {
    @Override
    public OptionalDouble parseLabel(String text) {
      return number(text);
    }
  },
  /**
   * Paraphrase / same-intent classification with labels 0 and 1; evaluated by average precision.
   */
  BINARY("0 or 1") {
    @Override
    public OptionalDouble parseLabel(String text) {
      OptionalDouble v = number(text);
      return v.isPresent() && (v.getAsDouble() == 0.0 || v.getAsDouble() == 1.0)
          ? v
          : OptionalDouble.empty();
    }
  },
  /** Natural language inference; the label is an {@link NliLabel#value()}. */
  NLI("entailment, neutral or contradiction") {
    @Override
    public OptionalDouble parseLabel(String text) {
      return NliLabel.parse(text)
          .map(l -> OptionalDouble.of(l.value()))
          .orElse(OptionalDouble.empty());
    }
  };

  // Plain decimals only: Double.parseDouble would also take "NaN", "Infinity" and "1d".
  private static final Pattern NUMBER =
      Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

  private final String expected;

  PairTask(String expected) {
    this.expected = expected;
  }

  /** The label as this task writes it, or empty when the text is not a label of this task. */
  public abstract OptionalDouble parseLabel(String text);

  /** What a label of this task looks like, for error messages. */
  public String expected() {
    return expected;
  }

  private static OptionalDouble number(String text) {
    String t = text.trim();
    return NUMBER.matcher(t).matches()
        ? OptionalDouble.of(Double.parseDouble(t))
        : OptionalDouble.empty();
  }
}
