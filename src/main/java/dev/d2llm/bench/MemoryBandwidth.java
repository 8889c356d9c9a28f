package dev.d2llm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's memory read bandwidth as this JVM sees it, measured the way STREAM does but for
 * reads only: SIMD sums over an array far larger than any cache, split evenly across threads, best
 * of several passes. It is the ceiling a scan of index vectors is compared with. Needs the {@code
 * jdk.incubator.vector} module, as the scan kernel it stands beside does.
 */
public final class MemoryBandwidth {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  private final float[] data;

  /** Where the sums go, so the JIT cannot drop the reads. */
  private volatile double sink;

  /** Allocates and touches {@code bytes} of memory (rounded down to whole SIMD vectors). */
  public MemoryBandwidth(long bytes) {
    long floats = bytes / 4 / F.length() * F.length();
    if (floats <= 0 || floats > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "bytes must be in [" + 4 * F.length() + ", 8 GiB), found " + bytes);
    }
    data = new float[(int) floats];
    for (int i = 0; i < data.length; i += 1024) {
      data[i] = i % 7; // every page backed before timing
    }
  }

  /** Bytes each pass reads. */
  public long bytes() {
    return 4L * data.length;
  }

  /**
   * The best read rate of {@code passes} passes on {@code threads} threads, in bytes per second.
   */
  public double bytesPerSecond(int threads, int passes) {
    if (threads <= 0 || passes <= 0) {
      throw new IllegalArgumentException(
          "threads and passes must be > 0, found " + threads + ", " + passes);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      double best = 0;
      int per = (data.length / threads) / F.length() * F.length();
      for (int p = 0; p < passes; p++) {
        List<Future<Float>> parts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
          int from = t * per;
          int to = t == threads - 1 ? data.length : from + per;
          parts.add(pool.submit(() -> sum(data, from, to)));
        }
        for (Future<Float> f : parts) {
          sink += f.get();
        }
        long nanos = System.nanoTime() - t0;
        best = Math.max(best, bytes() / (nanos / 1e9));
      }
      return best;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring memory bandwidth", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a bandwidth thread failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Four independent accumulators so the adds never wait on each other; the loads set the pace. */
  static float sum(float[] a, int from, int to) {
    int lanes = F.length();
    FloatVector s0 = FloatVector.zero(F);
    FloatVector s1 = FloatVector.zero(F);
    FloatVector s2 = FloatVector.zero(F);
    FloatVector s3 = FloatVector.zero(F);
    int i = from;
    for (; i + 4 * lanes <= to; i += 4 * lanes) {
      s0 = s0.add(FloatVector.fromArray(F, a, i));
      s1 = s1.add(FloatVector.fromArray(F, a, i + lanes));
      s2 = s2.add(FloatVector.fromArray(F, a, i + 2 * lanes));
      s3 = s3.add(FloatVector.fromArray(F, a, i + 3 * lanes));
    }
    float s = s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
    for (; i < to; i++) {
      s += a[i];
    }
    return s;
  }
}
