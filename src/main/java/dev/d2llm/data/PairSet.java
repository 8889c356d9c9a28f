package dev.d2llm.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** The pairs of one pair file, with the task their labels belong to. */
public record PairSet(Path source, PairTask task, List<LabelledPair> pairs) {

  public PairSet {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(task, "task");
    pairs = List.copyOf(pairs);
  }

  /**
   * The pairs with a 0/1 label, for pair classification: a binary set as it is, an NLI set without
   * its neutral pairs (entailment 1, contradiction 0). An STS set has no such labels.
   */
  public List<LabelledPair> binaryPairs() {
    return switch (task) {
      case BINARY -> pairs;
      case NLI ->
          pairs.stream().filter(p -> NliLabel.ofValue(p.label()) != NliLabel.NEUTRAL).toList();
      case STS ->
          throw new IllegalStateException(
              source
                  + " is an STS set: its scores have no binary reading; threshold them explicitly");
    };
  }
}
