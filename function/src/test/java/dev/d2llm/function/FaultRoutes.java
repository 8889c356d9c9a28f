package dev.d2llm.function;

import dev.d2llm.index.IndexFormatException;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Test-only routes that fail the way core code can, so that {@link ErrorMappingTest} sees how a
 * fault that is not the caller's is answered.
 */
@ApplicationScoped
public class FaultRoutes {

  void install(@Observes Router router) {
    router
        .get("/test-fault/illegal-argument")
        .handler(
            ctx -> {
              throw new IllegalArgumentException("a core check failed on /secret/path");
            });
    router
        .get("/test-fault/index-format")
        .handler(
            ctx -> {
              throw new IndexFormatException("shard 3 of /secret/index is truncated");
            });
  }
}
