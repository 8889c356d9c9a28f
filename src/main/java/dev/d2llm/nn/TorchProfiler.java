package dev.d2llm.nn;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;

/**
 * PyTorch's operator profiler around a piece of work: every native op with its input shapes,
 * written as a Chrome trace ({@code chrome://tracing}, or {@code scripts/profile-summary.py} for a
 * table by op).
 */
public final class TorchProfiler {

  private TorchProfiler() {}

  /** Runs {@code work} under the profiler and writes the trace to {@code trace}. */
  public static void record(Path trace, Runnable work) {
    if (!"PyTorch".equals(Engine.getInstance().getEngineName())) {
      throw new IllegalStateException(
          "the operator profiler needs the PyTorch engine, found "
              + Engine.getInstance().getEngineName());
    }
    JniUtils.startProfile(false, true, false);
    try {
      work.run();
    } finally {
      JniUtils.stopProfile(trace.toAbsolutePath().toString());
    }
  }

  /** PyTorch's intra-op threads and whether autograd records, as the engine has them now. */
  public static String threading() {
    return "torch_threads="
        + JniUtils.getNumThreads()
        + " interop_threads="
        + JniUtils.getNumInteropThreads()
        + " grad_mode="
        + JniUtils.isGradMode();
  }
}
