package dev.d2llm.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.List;
import java.util.stream.IntStream;
import picocli.CommandLine.Option;

/**
 * {@code --device} and {@code --threads}: where a command computes and with how many CPU threads.
 * CPU is the default; a GPU is checked against what PyTorch sees, so that asking for one on a host
 * without it fails at once with the reason.
 */
public class DeviceOptions {

  @Option(
      names = "--device",
      description =
          "cpu, gpu (the first GPU), gpuN, gpus: every GPU of the host, or a comma"
              + " list such as gpu0,gpu1 or cpu,cpu (distill spreads each batch over them, one replica each, a device named"
              + " twice holding two; other commands use the first) (default: ${DEFAULT-VALUE})")
  String device = "cpu";

  @Option(names = "--threads", description = "CPU threads (default: all cores)")
  int threads = Runtime.getRuntime().availableProcessors();

  /** Configures the engine's threads; call before the first DJL use. */
  void apply() {
    Engines.configure(threads);
  }

  /** The device; call after {@link #apply}, since it starts the engine for a GPU. */
  Device device() {
    return parse(device);
  }

  /** Every device asked for: one, or with {@code gpus} every GPU PyTorch sees. */
  List<Device> devices() {
    if (device.contains(",")) {
      return java.util.Arrays.stream(device.split(","))
          .map(String::trim)
          .map(DeviceOptions::parse)
          .toList();
    }
    if (!device.equals("gpus")) {
      return List.of(device());
    }
    int gpus = Engine.getInstance().getGpuCount();
    if (gpus == 0) {
      parse("gpu"); // Fails with the reason.
    }
    return IntStream.range(0, gpus).mapToObj(Device::gpu).toList();
  }

  static Device parse(String name) {
    if (name.contains(",")) {
      return parse(name.substring(0, name.indexOf(',')).trim());
    }
    if (name.equals("cpu")) {
      return Device.cpu();
    }
    if (name.equals("gpus")) {
      return parse("gpu");
    }
    if (!name.matches("gpu[0-9]*")) {
      throw new IllegalArgumentException("--device '" + name + "' is not cpu, gpu or gpuN");
    }
    int index = name.equals("gpu") ? 0 : Integer.parseInt(name.substring(3));
    int gpus = Engine.getInstance().getGpuCount();
    if (index >= gpus) {
      throw new IllegalArgumentException(
          "--device "
              + name
              + ": PyTorch sees "
              + gpus
              + " GPU(s) here."
              + (gpus == 0
                  ? " The build bundles the CPU-only libtorch, which DJL always takes while it is on the class"
                      + " path; on a CUDA host set PYTORCH_LIBRARY_PATH=<torch>/lib PYTORCH_VERSION=<torch version>"
                      + " PYTORCH_FLAVOR=cu<CUDA> for the host's CUDA libtorch, with DJL's JNI library built against it"
                      + " beside it, as the training instance and the GPU bundle do (docs/gpu.md)."
                  : ""));
    }
    return Device.gpu(index);
  }
}
