package dev.d2llm.search;

import dev.d2llm.index.VectorRows;
import dev.d2llm.nn.VectorApi;
import java.lang.invoke.MethodHandles;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the scan kernel once at start-up: the Vector API kernel when the JVM was started with
 * {@code --add-modules jdk.incubator.vector} and it loads, the scalar one otherwise, logging why.
 * {@code -Dd2llm.kernel=scalar} forces the reference.
 */
public final class ScoringKernels {

  private static final Logger LOG = LoggerFactory.getLogger(ScoringKernels.class);
  private static final int WARM_UP_SCANS = 200;
  private static volatile ScoringKernel best;

  private ScoringKernels() {}

  /** The fastest kernel this JVM can run. */
  public static ScoringKernel best() {
    ScoringKernel k = best;
    if (k == null) {
      k = choose();
      best = k;
    }
    return k;
  }

  /** The Vector API kernel, or empty with the reason logged when this JVM cannot run it. */
  public static Optional<ScoringKernel> vector() {
    return VectorApi.load(
        MethodHandles.lookup(),
        "dev.d2llm.search.VectorScoringKernel",
        ScoringKernel.class,
        "scan kernel",
        "scalar",
        LOG);
  }

  /**
   * Runs {@code kernel} on a small float and int8 matrix until the JIT has compiled it (a few
   * tenths of a second): interpreted, the Vector API scans hundreds of times slower. A server calls
   * this while it loads, so that its first query does not pay for it.
   */
  public static void warmUp(ScoringKernel kernel) {
    int rows = 1_024;
    int width = 384;
    float[] values = new float[rows * width];
    Arrays.fill(values, 0.25f);
    VectorRows.Floats floats = new VectorRows.Floats(values, rows, width);
    VectorRows.Int8 int8 = VectorRows.Int8.quantize(floats);
    float[] query = new float[width];
    Arrays.fill(query, 0.5f);
    float[] out = new float[rows];
    for (int i = 0; i < WARM_UP_SCANS; i++) {
      kernel.dotProducts(floats, query, 0, rows, out);
      kernel.dotProducts(int8, query, 0, rows, out);
    }
  }

  private static ScoringKernel choose() {
    if ("scalar".equals(System.getProperty("d2llm.kernel"))) {
      LOG.info("scan kernel: scalar, as -Dd2llm.kernel=scalar asks");
      return new ScalarScoringKernel();
    }
    ScoringKernel k = vector().orElseGet(ScalarScoringKernel::new);
    LOG.debug("scan kernel: {}", k.name());
    return k;
  }
}
