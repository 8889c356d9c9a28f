package dev.d2llm.function;

import ai.djl.engine.Engine;
import dev.d2llm.nn.RowKernels;
import dev.d2llm.search.ScoringKernel;
import dev.d2llm.search.ScoringKernels;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The start-up work that needs no configuration, begun as early as the process allows ({@link
 * FunctionMain} starts it before Quarkus boots; without it, the first {@link #natives()} or {@link
 * #kernels()} call does): loading PyTorch's and the tokenizer's native libraries, and JIT-compiling
 * the Vector API kernels. Each runs once, on a daemon thread of its own, so that it overlaps the
 * boot instead of following it.
 */
final class StartupPreload {

  private static CompletableFuture<Void> natives;
  private static CompletableFuture<Kernels> kernels;

  /** The kernels the function computes with, compiled by the JIT before the first query. */
  record Kernels(ScoringKernel scan, boolean rowKernel) {}

  private StartupPreload() {}

  /** Starts both preloads if they have not started. */
  static void start() {
    natives();
    kernels();
  }

  /**
   * PyTorch's engine and the tokenizer's library, loaded (the engine's first use costs about 0.6
   * s).
   */
  static synchronized CompletableFuture<Void> natives() {
    if (natives == null) {
      natives =
          onThread(
              "native-preload",
              () -> {
                NativeExecutable.requireLibraryPaths();
                Engine.getEngine("PyTorch");
                ai.djl.huggingface.tokenizers.jni.LibUtils.checkStatus();
                return null;
              });
    }
    return natives;
  }

  /** The scan kernel and whether the row kernel serves, once the JIT has compiled both. */
  static synchronized CompletableFuture<Kernels> kernels() {
    if (kernels == null) {
      kernels =
          onThread(
              "kernel-warm-up",
              () -> {
                ScoringKernel scan = NativeExecutable.scanKernel();
                boolean rowKernel = NativeExecutable.rowKernel();
                if (rowKernel) {
                  RowKernels.warmUp();
                }
                ScoringKernels.warmUp(scan);
                return new Kernels(scan, rowKernel);
              });
    }
    return kernels;
  }

  /** The future's value, or its failure as the unchecked exception it was. */
  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** Runs {@code task} on a new daemon thread named {@code name}. */
  static <T> CompletableFuture<T> onThread(String name, Supplier<T> task) {
    return CompletableFuture.supplyAsync(
        task,
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          t.start();
        });
  }
}
