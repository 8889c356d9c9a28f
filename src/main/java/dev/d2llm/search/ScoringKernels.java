package dev.d2llm.search;

import dev.d2llm.nn.VectorApi;
import java.lang.invoke.MethodHandles;
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
    return VectorApi.load(MethodHandles.lookup(), "dev.d2llm.search.VectorScoringKernel", ScoringKernel.class,
        "scan kernel", "scalar", LOG);
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
