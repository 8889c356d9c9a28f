package dev.d2llm.function;

import dev.d2llm.search.ScalarScoringKernel;
import dev.d2llm.search.ScoringKernel;
import dev.d2llm.search.ScoringKernels;
import io.quarkus.runtime.ImageMode;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * What differs when the function runs as a native executable: the PyTorch and tokenizer libraries
 * are read from disk rather than unpacked from jars, and the scan kernel is the scalar one unless
 * {@code -Dd2llm.kernel} asks for the SIMD one (docs/native-and-lambda.md says why). On a JVM
 * nothing here changes anything.
 */
final class NativeExecutable {

  private static final Logger LOG = Logger.getLogger(NativeExecutable.class);

  /**
   * Where DJL loads the libraries from: the directory holding libtorch and libdjl_torch, and the
   * libtokenizers file itself (DJL 0.36 fails on a directory there when no GPU is present).
   */
  static final List<String> LIBRARY_PATHS = List.of("PYTORCH_LIBRARY_PATH", "RUST_LIBRARY_PATH");

  private NativeExecutable() {}

  static boolean running() {
    return ImageMode.current() == ImageMode.NATIVE_RUN;
  }

  /**
   * In a native executable, fails naming every library directory that is not set; the image carries
   * none.
   */
  static void requireLibraryPaths() {
    if (!running()) {
      return;
    }
    List<String> missing = LIBRARY_PATHS.stream().filter(NativeExecutable::unset).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "a native executable loads PyTorch and the tokenizer from disk: set "
              + String.join(" and ", missing)
              + " (the native build unpacks target/native-libs/pytorch/ and"
              + " target/native-libs/tokenizers/libtokenizers.so)");
    }
  }

  /**
   * Whether query encoding and IEM scoring use the Vector API row kernel: in the JVM, and in a
   * native executable only when {@code -Dd2llm.kernel=simd} asks, as for the scan.
   */
  static boolean rowKernel() {
    return !running()
        || System.getProperty("d2llm.kernel") != null
            && !"scalar".equals(System.getProperty("d2llm.kernel"));
  }

  /**
   * The scan kernel: {@link ScoringKernels#best()} on a JVM. A native executable takes the scalar
   * one unless {@code d2llm.kernel} is set, because compiling the Vector API ahead of time needs a
   * GraalVM with Vector API support, and without it the SIMD kernel runs the API's slow Java
   * fallback.
   */
  static ScoringKernel scanKernel() {
    if (running() && System.getProperty("d2llm.kernel") == null) {
      LOG.info(
          "scan kernel: scalar, as in every native executable unless -Dd2llm.kernel=simd asks for the"
              + " Vector API kernel");
      return new ScalarScoringKernel();
    }
    return ScoringKernels.best();
  }

  private static boolean unset(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      value = System.getProperty(name);
    }
    return value == null || value.isBlank();
  }
}
