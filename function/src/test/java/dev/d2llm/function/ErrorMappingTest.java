package dev.d2llm.function;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;

/**
 * The error model's one mapping: only a refusal the function itself makes is a 4xx or 503; an
 * {@link IllegalArgumentException} or a corrupt-index exception from the core is a fault (500),
 * never echoed back as if the caller had sent something wrong.
 */
@QuarkusTest
@QuarkusTestResource(value = S3IndexResource.class, restrictToAnnotatedClass = true)
@DisabledIf(
    value = "dev.d2llm.function.LambdaBinding#active",
    disabledReason = "the test routes are HTTP routes; the Lambda binding enters through Funqy")
class ErrorMappingTest {

  @Test
  void anIllegalArgumentFromTheCoreIsA500ThatEchoesNothing() {
    given()
        .get("/test-fault/illegal-argument")
        .then()
        .statusCode(500)
        .contentType(ContentType.JSON)
        .body("error", equalTo("internal_error"))
        .body("message", not(containsString("/secret")));
  }

  @Test
  void aCorruptIndexFoundWhileServingIsA500NotTheCallersFault() {
    given()
        .get("/test-fault/index-format")
        .then()
        .statusCode(500)
        .body("error", equalTo("internal_error"))
        .body("message", not(containsString("/secret")));
  }

  @Test
  void aPostWithoutABodyIsA400NamingTheFunction() {
    given()
        .contentType(ContentType.JSON)
        .post("/search")
        .then()
        .statusCode(400)
        .body("error", equalTo("invalid_request"))
        .body("message", equalTo("search needs a JSON body"));
  }
}
