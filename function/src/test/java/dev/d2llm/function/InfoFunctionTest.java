package dev.d2llm.function;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class InfoFunctionTest {

  @Test
  void infoNamesTheService() {
    given()
        .get("/info")
        .then().statusCode(200).body("service", equalTo("d2llm"));
  }
}
