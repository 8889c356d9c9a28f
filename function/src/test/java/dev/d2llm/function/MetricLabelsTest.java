package dev.d2llm.function;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;

/** Made-up methods and paths fold into one label value each: callers cannot grow the metrics. */
@QuarkusTest
@DisabledIf(
    value = "dev.d2llm.function.LambdaBinding#active",
    disabledReason = "requests through the Lambda binding are not HTTP server requests")
@QuarkusTestResource(value = S3IndexResource.class, restrictToAnnotatedClass = true)
class MetricLabelsTest {

  /** A sample line of the requests counter, with the label to read filled in. */
  private static final String SAMPLE =
      "^http_server_requests_seconds_count\\{[^}]*\\b%s=\"([^\"]*)\"";

  @Test
  void twoHundredBogusMethodsAddOneMethodLabel() {
    for (int i = 0; i < 200; i++) {
      given().request("BOGUS" + i, "/info").then().statusCode(405);
    }
    Set<String> methods = labels("method");
    assertThat(methods).contains("OTHER").noneMatch(m -> m.startsWith("BOGUS"));
    Set<String> allowed = new java.util.HashSet<>(HttpMetricLabels.METHODS);
    allowed.add("OTHER");
    assertThat(methods).isSubsetOf(allowed);
  }

  @Test
  void unknownPathsAddOneUriLabel() {
    for (int i = 0; i < 150; i++) {
      given().get("/no-such-function-" + i).then().statusCode(404);
    }
    Set<String> uris = labels("uri");
    assertThat(uris).noneMatch(u -> u.startsWith("/no-such-function"));
    Set<String> allowed = new java.util.HashSet<>(HttpMetricLabels.URIS);
    allowed.add("UNKNOWN");
    assertThat(uris).isSubsetOf(allowed).contains("/info");
  }

  private static Set<String> labels(String name) {
    given().get("/info").then().statusCode(200);
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    Matcher m = Pattern.compile(String.format(SAMPLE, name), Pattern.MULTILINE).matcher(metrics);
    Set<String> values = new java.util.TreeSet<>();
    while (m.find()) {
      values.add(m.group(1));
    }
    assertThat(values).as("%s labels of http_server_requests in %n%s", name, metrics).isNotEmpty();
    return values;
  }
}
