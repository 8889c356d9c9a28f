package dev.d2llm.verify;

/**
 * One compared output: what it was, the largest absolute difference, and the bound it must meet.
 */
public record Comparison(String label, double maxAbsDiff, double tolerance, boolean gating) {

  /** Whether the difference is within the tolerance. */
  public boolean passes() {
    return maxAbsDiff <= tolerance;
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "%-28s max_abs_diff=%.3e (tolerance %.0e%s) %s",
        label,
        maxAbsDiff,
        tolerance,
        gating ? "" : ", informational",
        passes() ? "ok" : "FAIL");
  }
}
