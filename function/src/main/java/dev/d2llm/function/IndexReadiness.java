package dev.d2llm.function;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Readiness: UP only while a verified index is loaded; DOWN says why. */
@Readiness
@ApplicationScoped
public class IndexReadiness implements HealthCheck {

  private final SearchEngine engine;

  IndexReadiness(SearchEngine engine) {
    this.engine = engine;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder b = HealthCheckResponse.named("d2llm-index");
    String failure = engine.failure();
    if (failure != null) {
      return b.down().withData("reason", failure).build();
    }
    var m = engine.searcher().index().manifest();
    return b.up().withData("index", engine.indexUri()).withData("version", m.version())
        .withData("passages", m.count()).build();
  }
}
