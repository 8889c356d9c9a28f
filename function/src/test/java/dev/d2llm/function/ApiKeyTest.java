package dev.d2llm.function;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With auth on (as in production), the functions and the metrics want the key; health stays open
 * and terse.
 */
@QuarkusTest
@TestProfile(ApiKeyTest.AuthOn.class)
@QuarkusTestResource(value = S3IndexResource.class, restrictToAnnotatedClass = true)
class ApiKeyTest {

  @BeforeEach
  void indexLoaded() {
    Await.ready();
  }

  /** The production setting with a known key. */
  public static class AuthOn implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("d2llm.auth.enabled", "true", "d2llm.auth.api-key", "s3cret");
    }
  }

  @Test
  void withoutTheKeyIsA401() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"query\":\"bread\"}")
        .post("/search")
        .then()
        .statusCode(401)
        .contentType(ContentType.JSON)
        .body("error", equalTo("unauthorized"));
  }

  @Test
  void aWrongKeyIsA401() {
    given().header("X-API-Key", "guess").get("/info").then().statusCode(401);
  }

  @Test
  void theKeyOpensEveryFunction() {
    given()
        .header("X-API-Key", "s3cret")
        .contentType(ContentType.JSON)
        .body("{\"query\":\"bread\"}")
        .post("/search")
        .then()
        .statusCode(200);
    given().header("X-API-Key", "s3cret").get("/info").then().statusCode(200);
  }

  @Test
  void healthNeedsNoKey() {
    given().get("/q/health/ready").then().statusCode(200);
  }

  @Test
  void healthWithoutTheKeySaysUpAndNothingMore() {
    String health =
        given()
            .get("/q/health")
            .then()
            .statusCode(200)
            .body("status", equalTo("UP"))
            .extract()
            .asString();
    org.assertj.core.api.Assertions.assertThat(health)
        .doesNotContain("s3://")
        .doesNotContain("indexes")
        .doesNotContain("version")
        .doesNotContain("passages");
  }

  @Test
  void infoWithTheKeyNamesTheIndex() {
    given()
        .header("X-API-Key", "s3cret")
        .get("/info")
        .then()
        .statusCode(200)
        .body("index", equalTo("s3://indexes/demo/"));
  }

  @Test
  void metricsWantTheKey() {
    given()
        .get("/q/metrics")
        .then()
        .statusCode(401)
        .contentType(ContentType.JSON)
        .body("error", equalTo("unauthorized"));
    given().header("X-API-Key", "s3cret").get("/q/metrics").then().statusCode(200);
  }
}
