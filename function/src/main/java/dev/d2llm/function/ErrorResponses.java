package dev.d2llm.function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import java.util.Comparator;
import org.jboss.logging.Logger;

/**
 * Turns every failure of a function into a JSON error, mapped once by type: a {@link
 * RejectedRequest} is answered with its own status and code (400 malformed or invalid input, 401,
 * 404, 405, 413, 414, 415, 431, and 503 with Retry-After when not ready, overloaded or timed out),
 * a {@link ConstraintViolationException} with 400 naming each field, the status Vert.x set itself
 * (401, 404, 405, 413) with its code; anything else, an {@link IllegalArgumentException} from the
 * core included, is a fault: 500, logged once as an error. Refusals go to {@link RejectionLog},
 * never with a stack trace.
 */
@ApplicationScoped
public class ErrorResponses {

  private static final Logger LOG = Logger.getLogger(ErrorResponses.class);

  private final RejectionLog rejections;
  private final String retryAfter;

  ErrorResponses(RejectionLog rejections, FunctionConfig config) {
    this.rejections = rejections;
    this.retryAfter = Integer.toString(config.work().retryAfterSeconds());
  }

  void install(@Observes Router router) {
    router.route().order(Integer.MIN_VALUE).failureHandler(this::handle);
    // A path no function claims never reaches Funqy; answer it here rather than with an HTML page.
    router
        .route()
        .order(Integer.MAX_VALUE)
        .handler(
            ctx -> {
              if (ctx.request().path() != null && ctx.request().path().startsWith("/q/")) {
                ctx.next();
              } else {
                ctx.fail(404);
              }
            });
  }

  void handle(RoutingContext ctx) {
    String path = ctx.request().path();
    Throwable t = unwrap(ctx.failure());
    if (path != null
            && path.startsWith("/q/")
            && ctx.statusCode() != 401
            && !lacksHost(ctx)
            && !(t instanceof RejectedRequest)
        || ctx.response().ended()) {
      ctx.next();
      return;
    }
    if (t != null && !(t instanceof RejectedRequest) && lacksHost(ctx)) {
      // Vert.x refuses an HTTP/1.1 request without Host by throwing from the first handler that
      // asks.
      t = RejectedRequest.missingHost();
    }
    ObjectNode body = RequestReader.JSON.createObjectNode();
    int status;
    if (t instanceof RejectedRequest r) {
      status = r.status();
      body.put("error", r.error()).put("message", r.getMessage());
      if (r.retryLater()) {
        ctx.response().putHeader("Retry-After", retryAfter);
      }
    } else if (t instanceof ConstraintViolationException cve) {
      status = 400;
      body.put("error", "invalid_request");
      ArrayNode list = body.putArray("violations");
      StringBuilder message = new StringBuilder();
      cve.getConstraintViolations().stream()
          .sorted(
              Comparator.comparing((ConstraintViolation<?> v) -> v.getPropertyPath().toString()))
          .forEach(
              v -> {
                String field = v.getPropertyPath().toString();
                list.addObject().put("field", field).put("message", v.getMessage());
                message
                    .append(message.isEmpty() ? "" : "; ")
                    .append(field)
                    .append(' ')
                    .append(v.getMessage());
              });
      body.put("message", message.toString());
    } else if (t == null && ctx.statusCode() > 0 && ctx.statusCode() < 500) {
      status = ctx.statusCode();
      body.put(
              "error",
              switch (status) {
                case 400 -> "bad_request";
                case 401 -> "unauthorized";
                case 404 -> "unknown_function";
                case 405 -> "method_not_allowed";
                case 413 -> "body_too_large";
                default -> "http_" + status;
              })
          .put(
              "message",
              switch (status) {
                case 400 -> "the request cannot be read";
                case 401 -> "a valid API key is required";
                case 404 -> "no function at this path";
                case 405 -> "functions take GET (query parameters) or POST (JSON body)";
                case 413 -> "the request body is larger than the configured limit";
                default -> "request failed with HTTP " + status;
              });
    } else if (ctx.statusCode() == 413) {
      status = 413;
      body.put("error", "body_too_large")
          .put("message", "the request body is larger than the configured limit");
    } else {
      status = 500;
      LOG.error("search function failed on " + path, t);
      body.put("error", "internal_error").put("message", "internal error; see the function's log");
    }
    if (status < 500 || t instanceof RejectedRequest) {
      rejections.rejected(
          status, ctx.request().method().name(), path, body.get("message").asText());
    }
    body.put("status", status);
    send(ctx, status, body);
  }

  private static void send(RoutingContext ctx, int status, ObjectNode body) {
    HttpServerResponse response =
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json");
    if (status == 413) {
      // The rest of an oversized body is never read: close rather than parse it as the next
      // request.
      response.putHeader("Connection", "close");
    }
    String json;
    try {
      json = RequestReader.JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      json = "{\"status\":" + status + "}";
    }
    response
        .end(json)
        .onComplete(
            done -> {
              if (status == 413 && ctx.request().connection() != null) {
                ctx.request().connection().close();
              }
            });
  }

  private static boolean lacksHost(RoutingContext ctx) {
    return ctx.request().version() != HttpVersion.HTTP_2 && ctx.request().getHeader("Host") == null;
  }

  private static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    for (int i = 0; i < 10 && cur != null; i++) {
      if (cur instanceof RejectedRequest || cur instanceof ConstraintViolationException) {
        return cur;
      }
      if (cur.getCause() == null || cur.getCause() == cur) {
        break;
      }
      cur = cur.getCause();
    }
    return t;
  }
}
