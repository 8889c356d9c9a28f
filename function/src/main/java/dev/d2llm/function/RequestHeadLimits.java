package dev.d2llm.function;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;

/**
 * The request line and header limits, enforced before anything else so that an over-long target
 * gets a JSON 414 and oversized headers a JSON 431, as every other refusal. The HTTP codec's own
 * limits ({@code quarkus.http.limits.max-initial-line-length} and {@code max-header-size}) sit
 * above these as a hard ceiling on what a connection may buffer; only a request beyond that ceiling
 * gets Vert.x's bodiless answer.
 */
@ApplicationScoped
public class RequestHeadLimits {

  /** Before the API key is checked: a refusal of size needs no key. */
  static final int ORDER = Integer.MIN_VALUE + 1;

  private final int maxRequestLine;
  private final int maxHeaderBytes;

  RequestHeadLimits(FunctionConfig config) {
    this.maxRequestLine = config.limits().maxRequestLine();
    this.maxHeaderBytes = config.limits().maxHeaderBytes();
  }

  void install(@Observes Router router) {
    router.route().order(ORDER).handler(this::check);
  }

  private void check(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    int line = requestLineLength(request);
    if (line > maxRequestLine) {
      ctx.fail(RejectedRequest.uriTooLong(line, maxRequestLine));
      return;
    }
    long headers = headerBytes(request);
    if (headers > maxHeaderBytes) {
      ctx.fail(RejectedRequest.headersTooLarge(headers, maxHeaderBytes));
      return;
    }
    ctx.next();
  }

  /** The request line's length as sent, {@code METHOD SP target SP HTTP/x.y}, without its CRLF. */
  static int requestLineLength(HttpServerRequest request) {
    String uri = request.uri() == null ? "" : request.uri();
    return request.method().name().length() + 1 + uri.length() + 1 + "HTTP/1.1".length();
  }

  /** The header lines' length as sent, {@code name: value CRLF} each, as the codec counts them. */
  static long headerBytes(HttpServerRequest request) {
    long bytes = 0;
    for (Map.Entry<String, String> h : request.headers()) {
      bytes += h.getKey().length() + 2 + h.getValue().length() + 2;
    }
    return bytes;
  }
}
