package dev.d2llm.store;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * How to reach S3: an optional endpoint override (MinIO, S3Mock, another S3-compatible service),
 * the region, and whether buckets go in the path ({@code http://host/bucket/key}) rather than the
 * host name. Credentials are not part of it: they come from the SDK's default provider chain.
 *
 * @param endpoint an absolute http(s) URI replacing AWS's own endpoint, or empty for AWS
 * @param region the signing region, e.g. {@code us-east-1}
 * @param pathStyle whether to address buckets by path, as most S3-compatible servers need
 */
public record S3Settings(Optional<URI> endpoint, String region, boolean pathStyle) {

  /**
   * The environment variable of d2llm's own endpoint override; it wins over {@value #AWS_ENDPOINT}.
   */
  public static final String ENDPOINT = "D2LLM_S3_ENDPOINT";

  /** The SDK-standard environment variable of an endpoint override. */
  public static final String AWS_ENDPOINT = "AWS_ENDPOINT_URL";

  /** The environment variable of the region. */
  public static final String REGION = "AWS_REGION";

  /** The region used when {@value #REGION} is not set. */
  public static final String DEFAULT_REGION = "us-east-1";

  /** Checks the values. */
  public S3Settings {
    Objects.requireNonNull(endpoint, "endpoint must not be null (use Optional.empty() for AWS)");
    endpoint.ifPresent(S3Settings::checkEndpoint);
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException("region must not be blank, found '" + region + "'");
    }
  }

  /** AWS itself in {@code region}, virtual-host addressing. */
  public static S3Settings aws(String region) {
    return new S3Settings(Optional.empty(), region, false);
  }

  /** An S3-compatible server at {@code endpoint}, path-style addressing. */
  public static S3Settings endpoint(URI endpoint, String region) {
    return new S3Settings(Optional.of(endpoint), region, true);
  }

  /**
   * Settings from the process environment: the endpoint from {@value #ENDPOINT} or else {@value
   * #AWS_ENDPOINT}, path-style addressing whenever an endpoint is given, and the region from
   * {@value #REGION} (default {@value #DEFAULT_REGION}). A variable that is not set may come from
   * the system property of the same meaning ({@code d2llm.s3.endpoint}, the SDK's {@code
   * aws.endpointUrl} and {@code aws.region}), which is how a JVM that cannot change its environment
   * (a test) sets them.
   */
  public static S3Settings fromEnvironment() {
    return fromEnvironment(
        name -> {
          String value = System.getenv(name);
          return value != null ? value : System.getProperty(PROPERTIES.getOrDefault(name, name));
        });
  }

  private static final Map<String, String> PROPERTIES =
      Map.of(ENDPOINT, "d2llm.s3.endpoint", AWS_ENDPOINT, "aws.endpointUrl", REGION, "aws.region");

  /**
   * As {@link #fromEnvironment()}, reading variables through {@code env} (null or blank means
   * unset).
   */
  public static S3Settings fromEnvironment(UnaryOperator<String> env) {
    Optional<URI> endpoint =
        variable(env, ENDPOINT)
            .or(() -> variable(env, AWS_ENDPOINT))
            .map(
                value -> {
                  try {
                    return URI.create(value);
                  } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                        "S3 endpoint '" + value + "' is not a URI: " + e.getMessage(), e);
                  }
                });
    String region = variable(env, REGION).orElse(DEFAULT_REGION);
    return new S3Settings(endpoint, region, endpoint.isPresent());
  }

  private static Optional<String> variable(UnaryOperator<String> env, String name) {
    return Optional.ofNullable(env.apply(name))
        .map(String::strip)
        .filter(value -> !value.isEmpty());
  }

  private static void checkEndpoint(URI endpoint) {
    String scheme = endpoint.getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)
        || endpoint.getHost() == null) {
      throw new IllegalArgumentException(
          "S3 endpoint must be an absolute http:// or https:// URI with a host, found '"
              + endpoint
              + "'");
    }
  }
}
