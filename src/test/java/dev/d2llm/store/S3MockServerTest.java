package dev.d2llm.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test server's own failure reporting; its success is the whole of {@link S3ObjectStoreTest}.
 */
class S3MockServerTest {

  @Test
  void aServerThatDiesAtStartReportsTheTailOfItsLog(@TempDir Path dir) throws IOException {
    Path notAJar = Files.writeString(dir.resolve("s3mock.jar"), "not a jar");
    assertThatThrownBy(() -> S3MockServer.start(notAJar, "bucket"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("S3Mock exited with status")
        .hasMessageContaining("--- last lines of")
        .hasMessageContaining("jarfile");
  }
}
