package dev.d2llm.function;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Raw Lambda function-URL events (payload format 2.0, as API Gateway HTTP APIs send too) posted to
 * the mock event server: the answer is the Lambda response envelope, with the function's JSON in
 * its body. The other tests reach the function through the same server, which builds these events
 * from plain HTTP; this one pins what AWS sends: lower-case header names, optionally base64-encoded
 * bodies. Runs only with -Plambda.
 */
@QuarkusTest
@TestProfile(ApiKeyTest.AuthOn.class)
@QuarkusTestResource(value = S3IndexResource.class, restrictToAnnotatedClass = true)
class FunctionUrlEventTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeEach
  void indexLoaded() {
    Await.ready();
  }

  @Test
  void aSearchEventIsAnsweredWithTheHitsInTheResponseBody() {
    JsonPath response =
        invoke(
            event(
                "POST",
                "/search",
                "{\"query\":\"How tall is the highest mountain in the world?\",\"topK\":3}",
                true));

    assertThat(response.getInt("statusCode")).isEqualTo(200);
    assertThat(response.getBoolean("isBase64Encoded")).isFalse();
    assertThat(response.getString("headers.Content-Type")).startsWith("application/json");
    JsonPath body = JsonPath.from(response.getString("body"));
    assertThat(body.getList("hits")).hasSize(3);
    assertThat(body.getString("hits[0].id")).isEqualTo("geography-02");
  }

  @Test
  void aBase64EncodedBodyIsDecodedFirst() {
    ObjectNode event = event("POST", "/search", null, true);
    event.put(
        "body",
        Base64.getEncoder()
            .encodeToString("{\"query\":\"bread\",\"topK\":1}".getBytes(StandardCharsets.UTF_8)));
    event.put("isBase64Encoded", true);

    JsonPath response = invoke(event);

    assertThat(response.getInt("statusCode")).isEqualTo(200);
    assertThat(JsonPath.from(response.getString("body")).getList("hits")).hasSize(1);
  }

  @Test
  void anInvalidRequestIsA400NamingTheField() {
    JsonPath response = invoke(event("POST", "/search", "{\"query\":\"q\",\"topK\":101}", true));

    assertThat(response.getInt("statusCode")).isEqualTo(400);
    JsonPath body = JsonPath.from(response.getString("body"));
    assertThat(body.getString("error")).isEqualTo("invalid_request");
    assertThat(body.getString("message")).contains("topK is 101 hits, the limit is 100");
  }

  @Test
  void anEventWithoutTheKeyIsA401() {
    JsonPath response = invoke(event("GET", "/info", null, false));

    assertThat(response.getInt("statusCode")).isEqualTo(401);
    assertThat(JsonPath.from(response.getString("body")).getString("error"))
        .isEqualTo("unauthorized");
  }

  /** Posts a raw event to the mock event server and returns the Lambda response it relays. */
  private static JsonPath invoke(ObjectNode event) {
    return given()
        .contentType(ContentType.JSON)
        .body(event.toString())
        .post("/_lambda_")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  /**
   * A function-URL event as AWS sends it: version 2.0, lower-case headers, the method in
   * requestContext.http.
   */
  private static ObjectNode event(String method, String path, String body, boolean withKey) {
    ObjectNode event =
        JSON.createObjectNode()
            .put("version", "2.0")
            .put("routeKey", "$default")
            .put("rawPath", path)
            .put("rawQueryString", "");
    ObjectNode headers =
        event
            .putObject("headers")
            .put("content-type", "application/json")
            .put("host", "abc123.lambda-url.eu-west-1.on.aws");
    if (withKey) {
      headers.put("x-api-key", "s3cret");
    }
    ObjectNode context =
        event
            .putObject("requestContext")
            .put("accountId", "anonymous")
            .put("apiId", "abc123")
            .put("domainName", "abc123.lambda-url.eu-west-1.on.aws")
            .put("requestId", "req-1")
            .put("routeKey", "$default")
            .put("stage", "$default")
            .put("timeEpoch", 0L);
    context
        .putObject("http")
        .put("method", method)
        .put("path", path)
        .put("protocol", "HTTP/1.1")
        .put("sourceIp", "127.0.0.1")
        .put("userAgent", "FunctionUrlEventTest");
    if (body != null) {
      event.put("body", body).put("isBase64Encoded", false);
    }
    return event;
  }
}
