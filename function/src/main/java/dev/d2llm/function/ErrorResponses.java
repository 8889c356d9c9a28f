package dev.d2llm.function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import org.jboss.logging.Logger;

/**
 * Turns every failure of a function into a JSON error with the right status: validation and
 * malformed input 400, missing key 401, unknown function 404, wrong method 405, oversized body 413,
 * not ready 503; only a real fault is a 500. Funqy alone answers validation failures with 500.
 */
@ApplicationScoped
public class ErrorResponses {

  private static final Logger LOG = Logger.getLogger(ErrorResponses.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  void install(@Observes Router router) {
    router.route().order(Integer.MIN_VALUE).failureHandler(this::handle);
    // A path no function claims never reaches Funqy; answer it here rather than with an HTML page.
    router.route().order(Integer.MAX_VALUE).handler(ctx -> {
      if (ctx.request().path().startsWith("/q/")) {
        ctx.next();
      } else {
        ctx.fail(404);
      }
    });
  }

  void handle(RoutingContext ctx) {
    if (ctx.request().path().startsWith("/q/") || ctx.response().ended()) {
      ctx.next();
      return;
    }
    Throwable t = unwrap(ctx.failure());
    ObjectNode body = JSON.createObjectNode();
    int status;
    if (t instanceof ConstraintViolationException cve) {
      status = 400;
      body.put("error", "invalid_request");
      ArrayNode list = body.putArray("violations");
      StringBuilder message = new StringBuilder();
      cve.getConstraintViolations().stream()
          .sorted(java.util.Comparator.comparing((ConstraintViolation<?> v) -> v.getPropertyPath().toString()))
          .forEach(v -> {
            String field = v.getPropertyPath().toString();
            list.addObject().put("field", field).put("message", v.getMessage());
            message.append(message.isEmpty() ? "" : "; ").append(field).append(' ').append(v.getMessage());
          });
      body.put("message", message.toString());
    } else if (t instanceof Requests.MissingBodyException || t instanceof IllegalArgumentException) {
      status = 400;
      body.put("error", "invalid_request").put("message", t.getMessage());
    } else if (t instanceof NotReadyException) {
      status = 503;
      body.put("error", "not_ready").put("message", t.getMessage());
    } else if (t == null && ctx.statusCode() > 0) {
      status = ctx.statusCode();
      body.put("error", switch (status) {
        case 400 -> "malformed_json";
        case 401 -> "unauthorized";
        case 404 -> "unknown_function";
        case 405 -> "method_not_allowed";
        case 413 -> "body_too_large";
        default -> "http_" + status;
      }).put("message", switch (status) {
        case 400 -> "the body is not valid JSON for this function's request";
        case 401 -> "a valid API key is required";
        case 404 -> "no function at " + ctx.request().path();
        case 405 -> "functions take POST (JSON body) or GET";
        case 413 -> "the request body is larger than the configured limit";
        default -> "request failed with HTTP " + status;
      });
    } else if (ctx.statusCode() == 413) {
      status = 413;
      body.put("error", "body_too_large").put("message", "the request body is larger than the configured limit");
    } else {
      status = 500;
      LOG.error("search function failed on " + ctx.request().path(), t);
      body.put("error", "internal_error").put("message", "internal error; see the function's log");
    }
    body.put("status", status);
    try {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
          .end(JSON.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      ctx.response().setStatusCode(status).end();
    }
  }

  private static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    for (int i = 0; i < 10 && cur != null; i++) {
      if (cur instanceof ConstraintViolationException || cur instanceof NotReadyException
          || cur instanceof Requests.MissingBodyException || cur instanceof IllegalArgumentException) {
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
