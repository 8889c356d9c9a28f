package dev.d2llm.function;

/**
 * A request the function refuses before or instead of doing its work, with the HTTP status and the
 * JSON {@code error} code it is answered with. It carries no stack trace: a refusal is the caller's
 * doing, not a fault, and is logged in one line at most.
 */
public final class RejectedRequest extends RuntimeException {

  private final int status;
  private final String error;
  private final boolean retryLater;

  private RejectedRequest(int status, String error, String message, boolean retryLater) {
    super(message, null, false, false);
    this.status = status;
    this.error = error;
    this.retryLater = retryLater;
  }

  /** 400: the JSON body cannot be read as this function's request. */
  static RejectedRequest malformed(String message) {
    return new RejectedRequest(400, "malformed_json", message, false);
  }

  /** 400: the query parameters of a GET cannot be read as this function's request. */
  static RejectedRequest malformedQuery(String message) {
    return new RejectedRequest(400, "malformed_query", message, false);
  }

  /** 400: a POST to a function that needs a JSON body came without one. */
  static RejectedRequest missingBody(String function) {
    return new RejectedRequest(400, "invalid_request", function + " needs a JSON body", false);
  }

  /**
   * 503 with Retry-After: the function has no verified student or index to serve yet (still
   * starting, or it refused what it found).
   */
  static RejectedRequest notReady(String reason) {
    return new RejectedRequest(
        503, "not_ready", "the search function is not ready: " + reason, true);
  }

  /** 400: an HTTP/1.1 request without the Host header it must carry. */
  static RejectedRequest missingHost() {
    return new RejectedRequest(
        400, "missing_host", "HTTP/1.1 requests must carry a Host header", false);
  }

  /** 405: a method other than GET or POST. */
  static RejectedRequest methodNotAllowed(String method) {
    return new RejectedRequest(
        405,
        "method_not_allowed",
        "functions take GET (query parameters) or POST (JSON body), not "
            + (method.length() <= 20 ? method : method.substring(0, 20) + "..."),
        false);
  }

  /** 414: a request line longer than {@code d2llm.limits.max-request-line}. */
  static RejectedRequest uriTooLong(int length, int limit) {
    return new RejectedRequest(
        414,
        "uri_too_long",
        "the request line is " + length + " bytes, the limit is " + limit,
        false);
  }

  /** 431: header lines longer in all than {@code d2llm.limits.max-header-bytes}. */
  static RejectedRequest headersTooLarge(long bytes, int limit) {
    return new RejectedRequest(
        431,
        "headers_too_large",
        "the request's headers are " + bytes + " bytes, the limit is " + limit,
        false);
  }

  /** 415: a POST body that is not declared as JSON. */
  static RejectedRequest unsupportedMediaType(String contentType) {
    return new RejectedRequest(
        415,
        "unsupported_media_type",
        "a POST body must be sent as Content-Type: application/json, not "
            + (contentType == null ? "none" : contentType),
        false);
  }

  /** 503 with Retry-After: every model thread is busy and the queue is full. */
  static RejectedRequest overloaded() {
    return new RejectedRequest(
        503, "overloaded", "the function is busy; retry after the Retry-After delay", true);
  }

  /** 503 with Retry-After: the request did not finish within the request timeout. */
  static RejectedRequest timedOut(java.time.Duration timeout) {
    return new RejectedRequest(
        503,
        "timeout",
        "the request did not finish within "
            + timeout.toMillis()
            + " ms; retry after the Retry-After delay",
        true);
  }

  public int status() {
    return status;
  }

  public String error() {
    return error;
  }

  /** Whether the answer carries Retry-After: the same request may succeed later. */
  public boolean retryLater() {
    return retryLater;
  }
}
