package dev.d2llm.function;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A demo index that fails its checks is rebuilt, and versions no build finished are removed. */
@QuarkusTest
@QuarkusTestResource(value = DamagedDemoIndexResource.class, restrictToAnnotatedClass = true)
class DamagedDemoIndexTest {

  @BeforeEach
  void indexLoaded() {
    Await.ready();
  }

  @Test
  void aDamagedDemoIndexIsRebuiltAndServed() {
    String served =
        given().get("/info").then().statusCode(200).extract().jsonPath().getString("indexVersion");
    assertThat(served).isNotEqualTo(DamagedDemoIndexResource.damagedVersion);
    assertThat(
            DamagedDemoIndexResource.demoIndex
                .resolve("versions")
                .resolve(DamagedDemoIndexResource.damagedVersion))
        .doesNotExist();
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("query", "How tall is the highest mountain in the world?", "topK", 1))
        .post("/search")
        .then()
        .statusCode(200)
        .body("hits[0].id", equalTo("geography-02"));
  }

  @Test
  void orphanVersionFoldersAreRemoved() {
    assertThat(DamagedDemoIndexResource.orphan).doesNotExist();
    assertThat(Files.exists(DamagedDemoIndexResource.demoIndex.resolve("CURRENT"))).isTrue();
  }
}
