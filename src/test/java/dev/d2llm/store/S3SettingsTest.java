package dev.d2llm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class S3SettingsTest {

  private static S3Settings from(Map<String, String> env) {
    return S3Settings.fromEnvironment(env::get);
  }

  @Test
  void withoutVariablesItIsAwsInUsEast1() {
    assertThat(from(Map.of())).isEqualTo(new S3Settings(Optional.empty(), "us-east-1", false));
  }

  @Test
  void anEndpointOverrideTurnsOnPathStyle() {
    S3Settings settings =
        from(Map.of("AWS_ENDPOINT_URL", "http://localhost:9000", "AWS_REGION", "eu-west-1"));
    assertThat(settings)
        .isEqualTo(
            new S3Settings(Optional.of(URI.create("http://localhost:9000")), "eu-west-1", true));
  }

  @Test
  void d2llmsEndpointWinsOverTheSdkStandardOne() {
    S3Settings settings =
        from(
            Map.of("D2LLM_S3_ENDPOINT", "http://minio:9000", "AWS_ENDPOINT_URL", "http://other:1"));
    assertThat(settings.endpoint()).contains(URI.create("http://minio:9000"));
  }

  @Test
  void blankVariablesCountAsUnset() {
    assertThat(from(Map.of("D2LLM_S3_ENDPOINT", " ", "AWS_REGION", "")))
        .isEqualTo(S3Settings.aws("us-east-1"));
  }

  @Test
  void anEndpointMustBeAnHttpUri() {
    assertThatThrownBy(() -> from(Map.of("D2LLM_S3_ENDPOINT", "minio:9000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'minio:9000'");
  }

  @Test
  void aBlankRegionIsRejected() {
    assertThatThrownBy(() -> S3Settings.aws(" ")).hasMessage("region must not be blank, found ' '");
  }
}
