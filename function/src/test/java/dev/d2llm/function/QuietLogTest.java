package dev.d2llm.function;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Refused requests cost the log one WARN a minute at most, and never an error or a stack trace. */
@QuarkusTest
@QuarkusTestResource(value = S3IndexResource.class, restrictToAnnotatedClass = true)
class QuietLogTest {

  @BeforeEach
  void indexLoaded() {
    Await.ready();
  }

  @Test
  void manyRefusedRequestsLogOneWarningAndNoStackTrace() {
    try (LogCapture log = LogCapture.install()) {
      for (int i = 0; i < 20; i++) {
        given()
            .contentType(ContentType.JSON)
            .body("{\"query\": ")
            .post("/search")
            .then()
            .statusCode(400);
        given()
            .contentType(ContentType.JSON)
            .body("{\"query\":\"q\",\"topK\":\"3\"}")
            .post("/search")
            .then()
            .statusCode(400);
        given()
            .contentType(ContentType.JSON)
            .body("{\"query\":\"\"}")
            .post("/search")
            .then()
            .statusCode(400);
        given().request("M" + i, "/search").then().statusCode(405);
        given().put("/info").then().statusCode(405);
        given().contentType(ContentType.TEXT).body("{}").post("/embed").then().statusCode(415);
        given().get("/search?topK=x").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{}").post("/info").then().statusCode(200);
      }

      assertThat(log.atLeast(Level.SEVERE)).extracting(LogRecord::getMessage).isEmpty();
      assertThat(log.withThrown()).extracting(LogRecord::getMessage).isEmpty();
      assertThat(log.atLeast(Level.WARNING)).hasSizeLessThanOrEqualTo(1);
    }
  }
}
