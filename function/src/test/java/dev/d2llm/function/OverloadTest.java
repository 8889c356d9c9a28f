package dev.d2llm.function;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;

/**
 * With one model thread and no queue, concurrent requests beyond it get 503 with Retry-After, not a
 * pile-up.
 */
@QuarkusTest
@DisabledIf(
    value = "dev.d2llm.function.LambdaBinding#active",
    disabledReason =
        "Lambda sends an instance one request at a time: the mock event server queues them")
@TestProfile(OverloadTest.OneThreadNoQueue.class)
@QuarkusTestResource(value = S3IndexResource.class, restrictToAnnotatedClass = true)
class OverloadTest {

  /** One model thread, nothing waits. */
  public static class OneThreadNoQueue implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "d2llm.work.threads",
          "1",
          "d2llm.work.queue",
          "0",
          "d2llm.work.retry-after-seconds",
          "7");
    }
  }

  @BeforeEach
  void indexLoaded() {
    Await.ready();
  }

  @Test
  void requestsBeyondTheModelThreadsAreA503WithRetryAfter() {
    // 64 texts at the length limit: each request keeps the model thread busy for seconds.
    List<String> texts =
        IntStream.range(0, 64)
            .mapToObj(i -> ("w" + i + " ").repeat(1000).substring(0, 2000))
            .toList();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    List<Response> answers;
    try {
      List<CompletableFuture<Response>> calls =
          IntStream.range(0, 4)
              .mapToObj(
                  i ->
                      CompletableFuture.supplyAsync(
                          () ->
                              given()
                                  .contentType(ContentType.JSON)
                                  .body(Map.of("texts", texts))
                                  .post("/embed")
                                  .then()
                                  .extract()
                                  .response(),
                          clients))
              .toList();
      answers = calls.stream().map(CompletableFuture::join).toList();
    } finally {
      clients.shutdownNow();
    }

    assertThat(answers).extracting(Response::statusCode).containsOnly(200, 503).contains(200, 503);
    Response refused =
        answers.stream().filter(r -> r.statusCode() == 503).findFirst().orElseThrow();
    assertThat(refused.header("Retry-After")).isEqualTo("7");
    assertThat(refused.jsonPath().getString("error")).isEqualTo("overloaded");
  }
}
