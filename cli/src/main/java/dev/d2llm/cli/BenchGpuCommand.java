package dev.d2llm.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code d2llm bench gpu}: what the engine computes on a device, in each number format: float32
 * against the CPU, float16 and bfloat16 against float32 on the same device (round trip and matrix
 * product), and the matrix-product rate of each. bfloat16 needs a JNI library that maps it
 * (gpu/djl-0.36.0-bfloat16.patch): DJL 0.36.0's own aborts the process on it ({@code --skip-bf16}
 * leaves it out).
 */
@Command(
    name = "gpu",
    mixinStandardHelpOptions = true,
    description = {
      "Checks float32, float16 and bfloat16 arithmetic on --device against float32 references and prints"
          + " the matrix-product rate of each; last line the rates in TFLOP/s.",
      "--skip-bf16 where the JNI library is DJL 0.36.0's published one, which aborts the process on bfloat16."
    })
public class BenchGpuCommand implements Callable<Integer> {

  @Mixin DeviceOptions target;

  @Option(
      names = "--size",
      description = "square matrix size for the rates (default: ${DEFAULT-VALUE})")
  int size = 8192;

  @Option(
      names = "--iterations",
      description = "matrix products per timed pass (default: ${DEFAULT-VALUE})")
  int iterations = 20;

  @Option(
      names = "--repeats",
      description = "timed passes; the median counts (default: ${DEFAULT-VALUE})")
  int repeats = 5;

  @Option(
      names = "--skip-bf16",
      description = "leave bfloat16 out (DJL's own JNI library aborts on it)")
  boolean skipBf16;

  /**
   * Checks rounding errors against float32 on matrices this size: large enough for real kernels.
   */
  private static final int CHECK = 1024;

  @Override
  public Integer call() {
    target.apply();
    Device device = target.device();
    Engine engine = Engine.getInstance();
    System.out.printf(
        Locale.ROOT,
        "engine=%s %s device=%s gpus=%d%n",
        engine.getEngineName(),
        engine.getVersion(),
        device,
        engine.getGpuCount());
    boolean ok = true;
    try (NDManager manager = NDManager.newBaseManager(device)) {
      NDArray a = manager.randomNormal(new Shape(CHECK, CHECK));
      NDArray b = manager.randomNormal(new Shape(CHECK, CHECK));
      NDArray ref = a.matMul(b);
      float[] refValues = ref.toFloatArray();
      try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
        NDArray onCpu =
            cpu.create(a.toFloatArray(), a.getShape())
                .matMul(cpu.create(b.toFloatArray(), b.getShape()));
        double rel = relative(refValues, onCpu.toFloatArray());
        System.out.printf(
            Locale.ROOT, "fp32 matmul %dx%d %s vs cpu: rel_err=%.2e%n", CHECK, CHECK, device, rel);
        ok &= rel < 1e-5;
      }
      ok &= check(a, b, refValues, DataType.FLOAT16, 1e-3);
      if (!skipBf16) {
        ok &= check(a, b, refValues, DataType.BFLOAT16, 1e-2);
      }
      StringBuilder rates = new StringBuilder();
      for (DataType type :
          !skipBf16
              ? new DataType[] {DataType.FLOAT32, DataType.FLOAT16, DataType.BFLOAT16}
              : new DataType[] {DataType.FLOAT32, DataType.FLOAT16}) {
        double tflops = rate(manager, type);
        System.out.printf(
            Locale.ROOT,
            "matmul %dx%d %s: %.1f TFLOP/s (median of %d passes of %d)%n",
            size,
            size,
            type,
            tflops,
            repeats,
            iterations);
        rates.append(
            String.format(Locale.ROOT, " %s=%.1f", type.name().toLowerCase(Locale.ROOT), tflops));
      }
      System.out.println("tflops" + rates + (ok ? "" : " (a check failed)"));
    }
    return ok ? 0 : 1;
  }

  /**
   * Round trip through TYPE and a matrix product in TYPE, both against float32 on the same device.
   */
  private static boolean check(NDArray a, NDArray b, float[] ref, DataType type, double bound) {
    NDArray aType = a.toType(type, true);
    float[] back = aType.toType(DataType.FLOAT32, true).toFloatArray();
    double roundTrip = relative(a.toFloatArray(), back);
    NDArray product = aType.matMul(b.toType(type, true));
    String got = product.getDataType().toString();
    double rel = relative(ref, product.toType(DataType.FLOAT32, true).toFloatArray());
    System.out.printf(
        Locale.ROOT,
        "%s: dtype=%s round_trip_rel_err=%.2e matmul_rel_err_vs_fp32=%.2e%n",
        type,
        got,
        roundTrip,
        rel);
    return product.getDataType() == type && rel < bound && Double.isFinite(rel);
  }

  private double rate(NDManager manager, DataType type) {
    double[] seconds = new double[repeats];
    try (NDManager scope = manager.newSubManager()) {
      NDArray x = scope.randomNormal(new Shape(size, size)).toType(type, false);
      NDArray y = scope.randomNormal(new Shape(size, size)).toType(type, false);
      pass(
          x, y,
          2); // Warm-up: kernel selection and the allocator's first blocks stay out of the figure.
      for (int r = 0; r < repeats; r++) {
        long start = System.nanoTime();
        pass(x, y, iterations);
        seconds[r] = (System.nanoTime() - start) / 1e9;
      }
    }
    Arrays.sort(seconds);
    return 2.0 * size * size * (double) size * iterations / seconds[repeats / 2] / 1e12;
  }

  /** N products, then one element copied to the host: the copy waits for the queued kernels. */
  private static void pass(NDArray x, NDArray y, int n) {
    for (int i = 0; i < n; i++) {
      NDArray product = x.matMul(y);
      if (i == n - 1) {
        try (NDArray corner = product.get(0, 0);
            NDArray wide = corner.toType(DataType.FLOAT32, false)) {
          wide.toFloatArray();
        }
      }
      product.close();
    }
  }

  private static double relative(float[] ref, float[] got) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < ref.length; i++) {
      double d = (double) got[i] - ref[i];
      num += d * d;
      den += (double) ref[i] * ref[i];
    }
    return Math.sqrt(num / den);
  }
}
