package dev.d2llm.nn;

import java.lang.invoke.MethodHandles;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RowKernel} this JVM can run: the Vector API one when the JVM was started with {@code
 * --add-modules jdk.incubator.vector}, spread over every core, none otherwise (projections then
 * stay with PyTorch).
 */
public final class RowKernels {

  private static final Logger LOG = LoggerFactory.getLogger(RowKernels.class);
  private static final int WARM_UP_CALLS = 1_500;

  /**
   * Chosen once, on first use, by the class loader's lock: one kernel, one set of helper threads.
   */
  private static final class Chosen {
    static final Optional<RowKernel> KERNEL = choose();
  }

  private RowKernels() {}

  /** The Vector API kernel, or empty (with the reason logged once) when it cannot run here. */
  public static Optional<RowKernel> best() {
    return Chosen.KERNEL;
  }

  /**
   * Runs the kernel on small arrays until the JIT has compiled it (about a quarter of a second):
   * before that the Vector API runs interpreted, hundreds of times slower. A server calls this
   * while it loads, so that its first query does not pay for it.
   */
  public static void warmUp() {
    best()
        .ifPresent(
            k -> {
              int rows = 3;
              int in = 64;
              float[] x = new float[rows * in];
              float[] w = new float[in * in];
              float[] b = new float[in];
              float[] y = new float[rows * in];
              Arrays.fill(x, 0.5f);
              Arrays.fill(w, 0.25f);
              for (int i = 0; i < WARM_UP_CALLS; i++) {
                k.linear(x, rows, w, b, in, in, y);
              }
            });
  }

  private static Optional<RowKernel> choose() {
    int helpers = Runtime.getRuntime().availableProcessors() - 1;
    return VectorApi.load(
            MethodHandles.lookup(),
            "dev.d2llm.nn.VectorRowKernel",
            RowKernel.class,
            "few-row projections",
            "PyTorch",
            LOG)
        .map(k -> helpers > 0 ? new ParallelRowKernel(k, helpers) : k);
  }
}
