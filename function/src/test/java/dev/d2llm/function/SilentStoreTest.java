package dev.d2llm.function;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A store that accepts connections and never answers holds neither the port nor the health checks,
 * and each attempt gives up within the configured read timeout, naming the index and the endpoint.
 */
@QuarkusTest
@QuarkusTestResource(value = SilentStoreResource.class, restrictToAnnotatedClass = true)
class SilentStoreTest {

  @Test
  void aHungStoreFailsAttemptsInBoundedTimeWhileLivenessAnswers() {
    given().get("/q/health/live").then().statusCode(200);
    given().get("/q/health/ready").then().statusCode(503);
    // With the SDK's default 30 s read timeout and its retries, the first attempt took minutes.
    Await.until(
        "/info reports a failed attempt",
        Duration.ofSeconds(45),
        () -> {
          String status = given().get("/info").jsonPath().getString("status");
          return status != null && status.contains("not loaded");
        });
    given()
        .get("/info")
        .then()
        .statusCode(200)
        .body("status", containsString("s3://silent/index/"))
        .body("status", containsString("endpoint http://127.0.0.1:"));
    given().get("/q/health/live").then().statusCode(200);
  }
}
