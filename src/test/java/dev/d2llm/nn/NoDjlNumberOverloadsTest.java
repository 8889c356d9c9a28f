package dev.d2llm.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No core class calls DJL's {@code NDArray} methods that take a {@code Number} ({@code x.mul(2f)}):
 * their scalar lives in a buffer freed before autograd's backward pass reads it (see {@link
 * Scalars}).
 */
class NoDjlNumberOverloadsTest {

  // A call such as NDArray.mul(Number) puts this method descriptor into the caller's constant pool.
  private static final byte[] DESCRIPTOR =
      "(Ljava/lang/Number;)Lai/djl/ndarray/NDArray;".getBytes(StandardCharsets.UTF_8);

  @Test
  void coreClassesUseScalarsInstead() throws IOException, URISyntaxException {
    Path classes =
        Path.of(Scalars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> offenders;
    try (Stream<Path> files = Files.walk(classes)) {
      offenders =
          files
              .filter(f -> f.toString().endsWith(".class"))
              .filter(f -> contains(read(f), DESCRIPTOR))
              .map(f -> classes.relativize(f).toString())
              .toList();
    }
    assertThat(offenders)
        .as("classes calling DJL's Number overloads; use dev.d2llm.nn.Scalars")
        .isEmpty();
  }

  @Test
  void theScanSeesSuchACall() {
    // The descriptor the scan looks for is the one javac writes for this very test's probe.
    assertThat(contains(read(classFile(Probe.class)), DESCRIPTOR)).isTrue();
  }

  /** Compiled with one forbidden call, so the scan is known to recognise it. */
  static final class Probe {
    static ai.djl.ndarray.NDArray twice(ai.djl.ndarray.NDArray x) {
      return x.mul(2f);
    }
  }

  private static Path classFile(Class<?> type) {
    try {
      String simpleBinaryName = type.getName().substring(type.getPackageName().length() + 1);
      return Path.of(type.getResource(simpleBinaryName + ".class").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
