package dev.d2llm.data;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One distillation example: a query, its positive and its hard negatives (best first), tagged with
 * the data set it comes from, since a batch draws from one data set only.
 */
public record TrainingExample(
    String dataset, String query, String positive, List<String> negatives) {

  public TrainingExample {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(positive, "positive");
    negatives = List.copyOf(negatives);
    if (dataset.isBlank()) {
      throw new IllegalArgumentException("a training example needs a data set name");
    }
    if (query.isBlank() || positive.isBlank()) {
      throw new IllegalArgumentException(
          "a training example needs a non-blank query and positive, found query '"
              + query
              + "', positive '"
              + positive
              + "'");
    }
    Set<String> seen = new HashSet<>();
    for (String n : negatives) {
      if (n.equals(positive)) {
        throw new IllegalArgumentException(
            "the positive '" + positive + "' is also listed as a negative");
      }
      if (!seen.add(n)) {
        throw new IllegalArgumentException("negative '" + n + "' is listed twice");
      }
    }
  }

  /** An example without hard negatives yet, as it is before mining. */
  public TrainingExample(String dataset, String query, String positive) {
    this(dataset, query, positive, List.of());
  }

  /** The same example with these hard negatives in place of its own. */
  public TrainingExample withNegatives(List<String> hardNegatives) {
    return new TrainingExample(dataset, query, positive, hardNegatives);
  }
}
