package dev.d2llm.function;

import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Set;

/**
 * Keeps the HTTP metrics' labels to a fixed set, so that callers cannot grow {@code /q/metrics}
 * with made-up methods or paths: a method other than the ones the function answers is {@code
 * OTHER}, a path other than a function's or a health or metrics endpoint is {@code UNKNOWN}.
 */
@Singleton
public class HttpMetricLabels {

  static final Set<String> METHODS = Set.of("GET", "POST", "HEAD", "OPTIONS");
  static final Set<String> URIS =
      Set.of(
          "/search",
          "/embed",
          "/score",
          "/info",
          "/q/health",
          "/q/health/live",
          "/q/health/ready",
          "/q/health/started",
          "/q/metrics",
          "NOT_FOUND",
          "REDIRECTION",
          "root");

  @Produces
  @Singleton
  MeterFilter boundedMethods() {
    return MeterFilter.replaceTagValues("method", m -> METHODS.contains(m) ? m : "OTHER");
  }

  @Produces
  @Singleton
  MeterFilter boundedUris() {
    return MeterFilter.replaceTagValues("uri", u -> URIS.contains(u) ? u : "UNKNOWN");
  }
}
