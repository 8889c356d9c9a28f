package dev.d2llm.function;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad request gets a 4xx JSON error that says what was wrong, never a 500. */
@QuarkusTest
@QuarkusTestResource(value = S3IndexResource.class, restrictToAnnotatedClass = true)
class BadInputTest {

  @BeforeEach
  void indexLoaded() {
    Await.ready();
  }

  static Stream<Arguments> invalidRequests() {
    String longQuery = "x".repeat(1001);
    String manyTexts = "[" + String.join(",", java.util.Collections.nCopies(65, "\"t\"")) + "]";
    return Stream.of(
        Arguments.of("search", "{\"query\":\"\"}", "query must not be empty"),
        Arguments.of("search", "{\"query\":\"   \"}", "query must not be empty"),
        Arguments.of("search", "{\"topK\":5}", "query must not be empty"),
        Arguments.of(
            "search",
            "{\"query\":\"" + longQuery + "\"}",
            "query is 1001 characters, the limit is 1000"),
        Arguments.of("search", "{\"query\":\"q\",\"topK\":0}", "topK must be at least 1"),
        Arguments.of(
            "search", "{\"query\":\"q\",\"topK\":101}", "topK is 101 hits, the limit is 100"),
        Arguments.of("search", "{\"query\":\"q\",\"task\":\"both\"}", "task must be sym or asym"),
        Arguments.of(
            "search", "{\"query\":\"q\",\"mode\":\"fast\"}", "mode must be exact or two-stage"),
        Arguments.of(
            "search",
            "{\"query\":\"q\",\"candidates\":5000}",
            "candidates is 5000 candidates, the limit is 2000"),
        Arguments.of("embed", "{\"texts\":[]}", "texts must hold at least one text"),
        Arguments.of("embed", "{}", "texts must hold at least one text"),
        Arguments.of(
            "embed", "{\"texts\":" + manyTexts + "}", "texts is 65 texts, the limit is 64"),
        Arguments.of("embed", "{\"texts\":[\"ok\",\"\"]}", "must not be empty"),
        Arguments.of(
            "embed",
            "{\"texts\":[\"" + "y".repeat(2001) + "\"]}",
            "2001 characters, the limit is 2000"),
        Arguments.of(
            "score",
            "{\"query\":\"q\",\"passages\":[]}",
            "passages must hold at least one passage"),
        Arguments.of("score", "{\"passages\":[\"p\"]}", "query must not be empty"),
        Arguments.of(
            "score",
            "{\"query\":\"q\",\"passages\":[\"p\"],\"task\":\"x\"}",
            "task must be sym or asym"));
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("invalidRequests")
  void anInvalidRequestIsA400NamingTheField(String function, String body, String message) {
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/" + function)
        .then()
        .statusCode(400)
        .contentType(ContentType.JSON)
        .body("error", equalTo("invalid_request"))
        .body("message", containsString(message));
  }

  @Test
  void malformedJsonIsA400() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"query\": ")
        .post("/search")
        .then()
        .statusCode(400)
        .contentType(ContentType.JSON)
        .body("error", equalTo("malformed_json"));
  }

  @Test
  void aWronglyTypedFieldIsA400() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"query\":\"q\",\"topK\":\"ten\"}")
        .post("/search")
        .then()
        .statusCode(400)
        .contentType(ContentType.JSON)
        .body("error", equalTo("malformed_json"));
  }

  @Test
  void aMissingBodyIsA400() {
    given()
        .contentType(ContentType.JSON)
        .post("/search")
        .then()
        .statusCode(400)
        .contentType(ContentType.JSON)
        .body("message", containsString("needs a JSON body"));
  }

  @Test
  void anOversizedBodyIsA413() {
    String huge = "{\"query\":\"" + "z".repeat(300 * 1024) + "\"}";
    given()
        .contentType(ContentType.JSON)
        .body(huge)
        .post("/search")
        .then()
        .statusCode(413)
        .contentType(ContentType.JSON)
        .body("error", equalTo("body_too_large"));
  }

  @Test
  void anUnknownFunctionIsA404() {
    given()
        .contentType(ContentType.JSON)
        .body("{}")
        .post("/nope")
        .then()
        .statusCode(404)
        .contentType(ContentType.JSON)
        .body("error", equalTo("unknown_function"));
  }

  @Test
  void aWrongMethodIsA405() {
    given()
        .contentType(ContentType.JSON)
        .body("{}")
        .put("/search")
        .then()
        .statusCode(405)
        .contentType(ContentType.JSON)
        .body("error", equalTo("method_not_allowed"));
  }

  static Stream<Arguments> laxJson() {
    return Stream.of(
        Arguments.of("search", "{\"query\":\"q\",\"topK\":\"3\"}", "topK"),
        Arguments.of("search", "{\"query\":\"q\",\"topK\":3.5}", "topK"),
        Arguments.of("search", "{\"query\":\"q\",\"topK\":1e2}", "topK"),
        Arguments.of("search", "{\"query\":\"q\",\"topK\":true}", "topK"),
        Arguments.of("search", "{\"query\":123}", "query"),
        Arguments.of("search", "{\"query\":[\"q\"]}", "query"),
        Arguments.of("embed", "{\"texts\":[1,2]}", "texts"),
        Arguments.of("embed", "{\"texts\":\"one\"}", "texts"),
        Arguments.of("search", "{\"query\":\"q\"} trailing", "Unrecognized token"),
        Arguments.of("search", "{\"query\":\"q\"}{\"query\":\"r\"}", "Trailing token"),
        Arguments.of("search", "{\"query\":\"q\",\"query\":\"r\"}", "Duplicate field 'query'"),
        Arguments.of("search", "{\"query\":\"q\",\"topk\":3}", "topk"),
        Arguments.of("search", "[\"q\"]", "from Array value"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("laxJson")
  void jsonThatIsOnlyAlmostTheRequestIsA400(String function, String body, String named) {
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/" + function)
        .then()
        .statusCode(400)
        .contentType(ContentType.JSON)
        .body("error", equalTo("malformed_json"))
        .body("message", containsString(named));
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"text/plain", "application/xml", "application/jsonx"})
  void aBodyNotSentAsJsonIsA415(String contentType) {
    given()
        .contentType(contentType)
        .body("{\"query\":\"bread\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .post("/search")
        .then()
        .statusCode(415)
        .contentType(ContentType.JSON)
        .body("error", equalTo("unsupported_media_type"));
  }

  @Test
  void aJsonContentTypeWithACharsetIsAccepted() {
    given()
        .contentType("application/json; charset=utf-8")
        .body("{\"query\":\"bread\",\"topK\":1}")
        .post("/search")
        .then()
        .statusCode(200);
  }

  @Test
  @DisabledIf(
      value = "dev.d2llm.function.LambdaBinding#active",
      disabledReason = "the mock event server answers it")
  void aRequestWithoutAHostHeaderIsA400() throws Exception {
    String answer =
        RawHttp.exchange(
            "POST /search HTTP/1.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
    org.assertj.core.api.Assertions.assertThat(answer)
        .startsWith("HTTP/1.1 400")
        .contains("application/json")
        .contains("\"error\"");
  }

  @Test
  @DisabledIf(
      value = "dev.d2llm.function.LambdaBinding#active",
      disabledReason = "the mock event server answers it")
  void anOversizedContentLengthIsA413AndTheConnectionIsClosed() throws Exception {
    // RawHttp reads until the server closes the connection, and fails after 10 s if it never does.
    String answer =
        RawHttp.exchange(
            "POST /search HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 10000000\r\n\r\n{\"query\":");
    org.assertj.core.api.Assertions.assertThat(answer)
        .startsWith("HTTP/1.1 413")
        .contains("\"body_too_large\"");
  }

  @Test
  void postingABodyToInfoIsIgnored() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"x\":1}")
        .post("/info")
        .then()
        .statusCode(200)
        .body("service", equalTo("d2llm"));
  }

  @Test
  @DisabledIf(
      value = "dev.d2llm.function.LambdaBinding#active",
      disabledReason = "the mock event server sets Allow")
  void aWrongMethodNamesTheAllowedOnes() {
    given()
        .request("M1", "/search")
        .then()
        .statusCode(405)
        .header("Allow", "GET, POST")
        .contentType(ContentType.JSON)
        .body("error", equalTo("method_not_allowed"));
  }

  @Test
  @DisabledIf(
      value = "dev.d2llm.function.LambdaBinding#active",
      disabledReason = "the mock event server answers it")
  void anOverlongRequestLineIsAJson414() throws Exception {
    String answer =
        RawHttp.exchange(
            "GET /search?query="
                + "q".repeat(5000)
                + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    org.assertj.core.api.Assertions.assertThat(answer)
        .startsWith("HTTP/1.1 414")
        .contains("application/json")
        .contains("\"uri_too_long\"")
        .contains("the limit is 4096");
  }

  @Test
  @DisabledIf(
      value = "dev.d2llm.function.LambdaBinding#active",
      disabledReason = "the mock event server answers it")
  void oversizedHeadersAreAJson431() throws Exception {
    String answer =
        RawHttp.exchange(
            "GET /info HTTP/1.1\r\nHost: localhost\r\nX-Padding: "
                + "p".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");
    org.assertj.core.api.Assertions.assertThat(answer)
        .startsWith("HTTP/1.1 431")
        .contains("application/json")
        .contains("\"headers_too_large\"")
        .contains("the limit is 16384");
  }

  @Test
  @DisabledIf(
      value = "dev.d2llm.function.LambdaBinding#active",
      disabledReason = "the mock event server answers it")
  void aRequestLineBeyondTheCodecsCeilingIsStillRefused() throws Exception {
    // Past quarkus.http.limits.max-initial-line-length (16384) Vert.x answers before any route,
    // with no body (and as HTTP/1.0: the request line was never parsed).
    String answer =
        RawHttp.exchange(
            "GET /search?query="
                + "q".repeat(20_000)
                + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    org.assertj.core.api.Assertions.assertThat(answer).matches("(?s)HTTP/1\\.[01] 414 .*");
  }
}
