package dev.d2llm.eval;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Named metric values of one evaluation (x100 where the field reports them so), headline first. */
public record EvaluationResult(String headline, Map<String, Double> metrics) {

  public EvaluationResult {
    metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    if (!metrics.containsKey(headline)) {
      throw new IllegalArgumentException(
          "headline metric '" + headline + "' is not among " + metrics.keySet());
    }
  }

  /** The headline metric's value. */
  public double value() {
    return metrics.get(headline);
  }

  /** {@code name=value} for every metric, headline last (the line a script reads). */
  public String lines() {
    StringBuilder sb = new StringBuilder();
    metrics.forEach(
        (k, v) -> {
          if (!k.equals(headline)) {
            sb.append(String.format(Locale.ROOT, "%s=%.2f%n", k, v));
          }
        });
    sb.append(String.format(Locale.ROOT, "%s=%.2f", headline, value()));
    return sb.toString();
  }
}
