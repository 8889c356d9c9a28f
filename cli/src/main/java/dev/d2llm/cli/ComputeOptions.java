package dev.d2llm.cli;

import ai.djl.Device;
import dev.d2llm.backbone.Precision;
import picocli.CommandLine.Option;

/** Where and how a command computes: {@code --device}, {@code --precision}, {@code --threads}. */
public class ComputeOptions {

  @Option(names = "--device", description = "cpu, gpu or gpuN (default: ${DEFAULT-VALUE})")
  String device = "cpu";

  @Option(names = "--precision", description = "fp32, fp16 or bf16 (bf16-rounded weights, fp32 arithmetic) (default: ${DEFAULT-VALUE})")
  String precision = "fp32";

  @Option(names = "--threads", description = "CPU threads (default: all cores)")
  int threads = Runtime.getRuntime().availableProcessors();

  /** Configures the engine; call before the first DJL use. */
  void apply() {
    Engines.configure(threads);
  }

  Device device() {
    return DeviceOption.parse(device);
  }

  Precision precision() {
    return Precision.parse(precision);
  }
}
