package dev.d2llm.function;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Optional API-key authentication: when {@code d2llm.auth.enabled}, every request but the health
 * checks ({@code /q/health}, which say UP or DOWN and nothing more) must carry the configured key
 * in {@code d2llm.auth.header}, or gets a 401; metrics ({@code /q/metrics}) included. The
 * production profile turns it on; starting it enabled without a key fails at start-up.
 */
@ApplicationScoped
public class ApiKeyFilter {

  private final FunctionConfig config;

  ApiKeyFilter(FunctionConfig config) {
    this.config = config;
  }

  void install(@Observes Router router) {
    if (!config.auth().enabled()) {
      return;
    }
    String key =
        config
            .auth()
            .apiKey()
            .filter(k -> !k.isBlank())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "d2llm.auth.enabled is true but no key is set: set D2LLM_AUTH_API_KEY (d2llm.auth.api-key)"));
    byte[] expected = key.getBytes(StandardCharsets.UTF_8);
    String header = config.auth().header();
    router.route().order(RequestHeadLimits.ORDER + 1).handler(ctx -> check(ctx, header, expected));
  }

  private static void check(RoutingContext ctx, String header, byte[] expected) {
    String path = ctx.request().path();
    if (path != null && (path.equals("/q/health") || path.startsWith("/q/health/"))) {
      ctx.next();
      return;
    }
    String given = ctx.request().getHeader(header);
    if (given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected)) {
      ctx.next();
    } else {
      ctx.fail(401);
    }
  }
}
