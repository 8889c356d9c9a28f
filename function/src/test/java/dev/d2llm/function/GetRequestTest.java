package dev.d2llm.function;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every function answers GET with its request in query parameters, checked as strictly as a JSON
 * body.
 */
@QuarkusTest
@QuarkusTestResource(value = S3IndexResource.class, restrictToAnnotatedClass = true)
class GetRequestTest {

  @BeforeEach
  void indexLoaded() {
    Await.ready();
  }

  @Test
  void searchTakesItsFieldsAsQueryParameters() {
    given()
        .queryParam("query", "How tall is the highest mountain in the world?")
        .queryParam("topK", "2")
        .queryParam("mode", "exact")
        .get("/search")
        .then()
        .statusCode(200)
        .contentType(ContentType.JSON)
        .body("hits", hasSize(2))
        .body("hits[0].id", equalTo("geography-02"))
        .body("mode", equalTo("exact"));
  }

  @Test
  void embedTakesRepeatedTexts() {
    given()
        .queryParam("texts", "a cat sleeps", "stocks fell")
        .get("/embed")
        .then()
        .statusCode(200)
        .body("vectors", hasSize(2));
  }

  @Test
  void scoreTakesRepeatedPassages() {
    given()
        .queryParam("query", "bread")
        .queryParam("passages", "flour", "octopus")
        .get("/score")
        .then()
        .statusCode(200)
        .body("scores", hasSize(2));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "topK=3.5|topK",
        "topK=1e2|topK",
        "topK=three|topK",
        "topK=3&topK=4|topK",
        "candidates=99999999999|candidates",
        "bogus=1|bogus"
      })
  void aBadParameterIsA400NamingIt(String extra, String named) {
    given()
        .urlEncodingEnabled(false)
        .get("/search?query=bread&" + extra)
        .then()
        .statusCode(400)
        .contentType(ContentType.JSON)
        .body("error", equalTo("malformed_query"))
        .body("message", containsString(named));
  }

  @Test
  void theLimitsApplyAsToABody() {
    given()
        .queryParam("query", "q")
        .queryParam("topK", "101")
        .get("/search")
        .then()
        .statusCode(400)
        .body("error", equalTo("invalid_request"))
        .body("message", containsString("topK is 101 hits, the limit is 100"));
  }

  @Test
  void aGetWithoutParametersNamesTheMissingField() {
    given()
        .get("/search")
        .then()
        .statusCode(400)
        .body("message", containsString("query must not be empty"));
  }
}
