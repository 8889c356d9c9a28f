package dev.d2llm.function;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Polling for the tests: the function loads its model and index in the background after the port
 * opens.
 */
final class Await {

  private Await() {}

  /** Waits until {@code condition} holds, failing after {@code timeout}. */
  static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting until " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting until " + what, e);
      }
    }
  }

  /** Waits until readiness is UP: an index is loaded and verified. */
  static void ready() {
    until(
        "readiness is UP",
        Duration.ofMinutes(2),
        () -> given().get("/q/health/ready").statusCode() == 200);
  }

  /**
   * Waits until {@code /info} (with {@code key} in X-API-Key when not null) reports a status
   * containing {@code text}.
   */
  static void infoStatus(String text, String key) {
    until(
        "/info says " + text,
        Duration.ofMinutes(2),
        () -> {
          var request = key == null ? given() : given().header("X-API-Key", key);
          String status = request.get("/info").jsonPath().getString("status");
          return status != null && status.contains(text);
        });
  }
}
