package dev.d2llm.function;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** An index whose shard does not match its checksum is never served: readiness DOWN, searches 503. */
@QuarkusTest
@QuarkusTestResource(value = S3IndexResource.Corrupted.class, restrictToAnnotatedClass = true)
class CorruptIndexTest {

  @Test
  void readinessIsDownAndSaysWhy() {
    given().get("/q/health/ready")
        .then().statusCode(503)
        .body("status", equalTo("DOWN"))
        .body("checks[0].data.reason", containsString("vectors-00001.bin"))
        .body("checks[0].data.reason", containsString("SHA-256"));
  }

  @Test
  void searchIsA503NotAnAnswer() {
    given().contentType(ContentType.JSON).body("{\"query\":\"bread\"}").post("/search")
        .then().statusCode(503).contentType(ContentType.JSON).body("error", equalTo("not_ready"));
  }

  @Test
  void infoSaysItIsNotReady() {
    given().get("/info").then().statusCode(200).body("status", containsString("not ready"));
  }
}
