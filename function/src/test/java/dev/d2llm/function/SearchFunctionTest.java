package dev.d2llm.function;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoints answer real searches over an index served from S3. */
@QuarkusTest
@QuarkusTestResource(value = S3IndexResource.class, restrictToAnnotatedClass = true)
class SearchFunctionTest {

  @BeforeEach
  void indexLoaded() {
    Await.ready();
  }

  @Test
  void searchRanksTheAnsweringPassageFirst() {
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("query", "How tall is the highest mountain in the world?", "topK", 3))
        .post("/search")
        .then()
        .statusCode(200)
        .body("hits", hasSize(3))
        .body("hits[0].id", equalTo("geography-02"))
        .body("hits.score", everyItem(lessThanOrEqualTo(1.0f)))
        .body("mode", equalTo("two-stage"))
        .body("indexVersion", notNullValue())
        .body("timings.totalMs", greaterThan(0.0f));
  }

  @Test
  void exactSearchScoresEveryPassageAndAgreesOnTheTopHit() {
    given()
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "query",
                "How tall is the highest mountain in the world?",
                "topK",
                1,
                "mode",
                "exact"))
        .post("/search")
        .then()
        .statusCode(200)
        .body("hits.id", contains("geography-02"))
        .body("mode", equalTo("exact"));
  }

  @Test
  void embedReturnsOneStudentVectorPerText() {
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("texts", List.of("a cat sleeps", "stocks fell")))
        .post("/embed")
        .then()
        .statusCode(200)
        .body("dimension", equalTo(384))
        .body("vectors", hasSize(2))
        .body("vectors[0]", hasSize(384));
  }

  @Test
  void scoreRanksARelevantPassageAboveAnIrrelevantOne() {
    List<Float> scores =
        given()
            .contentType(ContentType.JSON)
            .body(
                Map.of(
                    "query",
                    "how do I bake bread",
                    "passages",
                    List.of(
                        "Octopuses have three hearts.",
                        "Mix flour, water, yeast and salt, then knead the dough."),
                    "task",
                    "sym"))
            .post("/score")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("scores", Float.class);

    org.assertj.core.api.Assertions.assertThat(scores).hasSize(2);
    org.assertj.core.api.Assertions.assertThat(scores.get(1)).isGreaterThan(scores.get(0));
  }

  @Test
  void infoNamesTheModelAndTheIndexVersion() {
    given()
        .get("/info")
        .then()
        .statusCode(200)
        .body("service", equalTo("d2llm"))
        .body("status", equalTo("ready"))
        .body("passages", equalTo(68))
        .body("dimension", equalTo(384))
        .body("index", equalTo("s3://indexes/demo/"))
        .body("scanKernel", containsString("vector"));
  }

  @Test
  void readinessIsUpWithTheServedVersion() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItem("d2llm-index"));
  }

  @Test
  void metricsExposeSearchLatencyForPrometheus() {
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("query", "jazz history"))
        .post("/search")
        .then()
        .statusCode(200);

    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("d2llm_search_seconds_count"));
  }
}
