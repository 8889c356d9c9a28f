package dev.d2llm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which processor vendor a CPU benchmark ran on, and whether the launcher preloaded the MKL answer
 * for AMD processors (scripts/lib/mkl-amd.sh): without it, PyTorch's GEMM on AMD runs MKL's generic
 * path at about half speed, so a CPU figure means little without this line beside it. It also says
 * whether glibc's allocator was tuned for tensors (scripts/lib/malloc-heap.sh), worth about 10%.
 */
public final class CpuVendor {

  private CpuVendor() {}

  /**
   * {@code cpu_vendor=<vendor_id> mkl_amd_preload=on|off malloc_mmap_threshold=<bytes>|default}.
   */
  public static String describe() {
    String preload = System.getenv().getOrDefault("LD_PRELOAD", "");
    return "cpu_vendor="
        + vendor().orElse("unknown")
        + " mkl_amd_preload="
        + (preload.contains("mkl-amd") ? "on" : "off")
        + " malloc_mmap_threshold="
        + System.getenv().getOrDefault("MALLOC_MMAP_THRESHOLD_", "default");
  }

  static Optional<String> vendor() {
    try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(l -> l.startsWith("vendor_id"))
          .findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).strip());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
