package dev.d2llm.function;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An index whose shard does not match its checksum is never served: readiness DOWN, searches 503,
 * the reason in {@code /info}; the functions that need only the model still answer.
 */
@QuarkusTest
@QuarkusTestResource(value = S3IndexResource.Corrupted.class, restrictToAnnotatedClass = true)
class CorruptIndexTest {

  @BeforeEach
  void indexRefused() {
    Await.infoStatus("refused", null);
  }

  @Test
  void readinessIsDownAndDisclosesNothing() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(503)
        .body("status", equalTo("DOWN"))
        .body("checks[0].data", org.hamcrest.Matchers.nullValue())
        .body(not(containsString("vectors-00001.bin")));
  }

  @Test
  void infoSaysWhyItIsNotReady() {
    given()
        .get("/info")
        .then()
        .statusCode(200)
        .body("status", containsString("not ready"))
        .body("status", containsString("vectors-00001.bin"))
        .body("status", containsString("SHA-256"));
  }

  @Test
  void searchIsA503NotAnAnswer() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"query\":\"bread\"}")
        .post("/search")
        .then()
        .statusCode(503)
        .contentType(ContentType.JSON)
        .body("error", equalTo("not_ready"));
  }

  @Test
  void embedAndScoreNeedNoIndex() {
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("texts", List.of("a cat sleeps")))
        .post("/embed")
        .then()
        .statusCode(200)
        .body("vectors", hasSize(1));
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("query", "bread", "passages", List.of("flour and yeast")))
        .post("/score")
        .then()
        .statusCode(200)
        .body("scores", hasSize(1));
  }
}
