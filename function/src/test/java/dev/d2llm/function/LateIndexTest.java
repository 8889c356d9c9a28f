package dev.d2llm.function;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Started against a store that holds no index yet: the port and liveness answer at once, embed
 * works without the index, and once the index appears the function serves it without a restart.
 */
@QuarkusTest
@QuarkusTestResource(value = LateIndexResource.class, restrictToAnnotatedClass = true)
class LateIndexTest {

  @Test
  void anIndexThatAppearsLaterIsServedWithoutARestart() throws Exception {
    given().get("/q/health/live").then().statusCode(200);
    given().get("/q/health/ready").then().statusCode(503);
    Await.until(
        "embed answers",
        Duration.ofMinutes(2),
        () ->
            given()
                    .contentType(ContentType.JSON)
                    .body(Map.of("texts", List.of("a cat sleeps")))
                    .post("/embed")
                    .statusCode()
                == 200);
    // The first attempt may still be under way; its failure names the index it looked for.
    Await.infoStatus("served", null);
    given().get("/info").then().statusCode(200).body("status", containsString("not ready"));
    given()
        .contentType(ContentType.JSON)
        .body("{\"query\":\"bread\"}")
        .post("/search")
        .then()
        .statusCode(503)
        .header("Retry-After", org.hamcrest.Matchers.notNullValue())
        .body("error", equalTo("not_ready"));

    LateIndexResource.publish();

    Await.ready();
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("query", "How tall is the highest mountain in the world?", "topK", 1))
        .post("/search")
        .then()
        .statusCode(200)
        .body("hits", hasSize(1))
        .body("hits[0].id", equalTo("geography-02"));
  }
}
