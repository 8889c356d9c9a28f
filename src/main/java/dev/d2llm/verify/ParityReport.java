package dev.d2llm.verify;

import java.util.List;

/** The comparisons of one verification run; the headline is the largest gating difference. */
public record ParityReport(String subject, List<Comparison> comparisons) {

  public ParityReport {
    comparisons = List.copyOf(comparisons);
  }

  /** Largest difference among the comparisons that decide pass or fail. */
  public double maxAbsDiff() {
    return comparisons.stream()
        .filter(Comparison::gating)
        .mapToDouble(Comparison::maxAbsDiff)
        .max()
        .orElse(Double.NaN);
  }

  /** Whether every gating comparison passes. */
  public boolean passes() {
    return comparisons.stream().filter(Comparison::gating).allMatch(Comparison::passes)
        && !comparisons.isEmpty();
  }
}
