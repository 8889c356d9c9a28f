package dev.d2llm.function;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: UP only while a verified index is loaded. It says nothing more, since {@code
 * /q/health} is open to anyone: the index URI, version and the reason it is DOWN are in {@code
 * /info} (behind the API key when auth is on) and in the log.
 */
@Readiness
@ApplicationScoped
public class IndexReadiness implements HealthCheck {

  private final SearchEngine engine;

  IndexReadiness(SearchEngine engine) {
    this.engine = engine;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("d2llm-index").status(engine.failure() == null).build();
  }
}
