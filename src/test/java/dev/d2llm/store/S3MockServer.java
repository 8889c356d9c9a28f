package dev.d2llm.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 protocol server for tests: Adobe S3Mock, started from its Spring Boot executable jar in
 * a child JVM so that none of Spring reaches the test's classpath. It serves plain HTTP on a free
 * port reached through 127.0.0.1, keeps its objects in a temporary directory, and is killed on
 * close.
 *
 * <p>The jar comes from the system property {@value #JAR_PROPERTY}; the build's {@code
 * maven-dependency-plugin} execution {@code copy-s3mock} puts it at {@code
 * target/s3mock/s3mock.jar} and surefire passes that path.
 */
public final class S3MockServer implements AutoCloseable {

  /** The system property that holds the path of S3Mock's runnable jar. */
  public static final String JAR_PROPERTY = "s3mock.jar.path";

  /** The region the server signs for. */
  public static final String REGION = "us-east-1";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final int LOG_TAIL_LINES = 40;

  private final Process process;
  private final Path workDir;
  private final Path log;
  private final URI endpoint;
  private final Thread reaper;

  private S3MockServer(Process process, Path workDir, Path log, URI endpoint) {
    this.process = process;
    this.workDir = workDir;
    this.log = log;
    this.endpoint = endpoint;
    // If the test JVM exits without closing us, take the child down with it rather than orphan it.
    this.reaper = new Thread(process::destroyForcibly, "s3mock-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /** Starts a server with the given buckets already created and waits until it answers. */
  public static S3MockServer start(String... buckets) {
    return start(jar(), buckets);
  }

  /**
   * As {@link #start(String...)} with the jar given rather than read from {@value #JAR_PROPERTY}.
   */
  static S3MockServer start(Path jar, String... buckets) {
    try {
      Path workDir = Files.createTempDirectory("s3mock-");
      Path root = Files.createDirectory(workDir.resolve("root"));
      Path log = workDir.resolve("s3mock.log");
      int port = freePort();
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  // A short-lived test server: client-compiler only and a small heap start it about
                  // a third faster.
                  "-XX:TieredStopAtLevel=1",
                  "-XX:+UseSerialGC",
                  "-Xmx512m",
                  "-jar",
                  jar.toString(),
                  // The TLS connector is not used; it listens on a random loopback port so it
                  // cannot clash.
                  "--server.port=0",
                  "--server.address=127.0.0.1",
                  "--com.adobe.testing.s3mock.httpPort=" + port,
                  "--com.adobe.testing.s3mock.store.root=" + root,
                  "--com.adobe.testing.s3mock.store.region=" + REGION,
                  "--com.adobe.testing.s3mock.store.retainFilesOnExit=false",
                  "--spring.main.banner-mode=off"));
      if (buckets.length > 0) {
        command.add("--com.adobe.testing.s3mock.store.initialBuckets=" + String.join(",", buckets));
      }
      Process process =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      S3MockServer server =
          new S3MockServer(process, workDir, log, URI.create("http://127.0.0.1:" + port));
      try {
        server.awaitReady();
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start S3Mock from " + jar, e);
    }
  }

  private static Path jar() {
    String property = System.getProperty(JAR_PROPERTY);
    if (property == null || property.isBlank()) {
      throw new IllegalStateException(
          "system property "
              + JAR_PROPERTY
              + " is not set: it must name S3Mock's"
              + " runnable jar (the copy-s3mock execution of maven-dependency-plugin puts it at target/s3mock/s3mock.jar)");
    }
    Path jar = Path.of(property);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          JAR_PROPERTY
              + "="
              + property
              + " is not a file: run the build's"
              + " generate-test-resources phase (maven-dependency-plugin copy-s3mock) first");
    }
    return jar;
  }

  private static int freePort() throws IOException {
    // S3Mock binds its HTTP connector on every interface, so probe the same way.
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private void awaitReady() {
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
      awaitReady(http);
    }
  }

  private void awaitReady(HttpClient http) {
    HttpRequest listBuckets =
        HttpRequest.newBuilder(endpoint.resolve("/")).timeout(Duration.ofSeconds(5)).GET().build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "S3Mock exited with status "
                + process.exitValue()
                + " before answering on "
                + endpoint
                + "\n"
                + logTail());
      }
      try {
        if (http.send(listBuckets, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for S3Mock on " + endpoint, e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for S3Mock on " + endpoint, e);
      }
    }
    throw new IllegalStateException(
        "S3Mock did not answer on " + endpoint + " within " + START_TIMEOUT + "\n" + logTail());
  }

  /** The last lines of the server's output, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "--- last lines of "
          + log
          + " ---\n"
          + String.join(
              "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** The server's HTTP endpoint, {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return endpoint;
  }

  /** Settings that reach this server: its endpoint, its region, path-style addressing. */
  public S3Settings settings() {
    return S3Settings.endpoint(endpoint, REGION);
  }

  /**
   * A new client for this server with dummy static credentials (S3Mock checks none); the caller
   * closes it.
   */
  public S3Client client() {
    return S3ObjectStore.clientBuilder(settings())
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build();
  }

  /** Kills the server and removes its files. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook runs anyway, harmlessly.
    }
    deleteRecursively(workDir);
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // A temporary directory left behind is not worth failing a test for.
    }
  }

  @Override
  public String toString() {
    return "S3MockServer[" + endpoint + "]";
  }
}
