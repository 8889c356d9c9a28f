package dev.d2llm.cli;

import ai.djl.Device;
import dev.d2llm.backbone.Precision;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where and how a command computes: {@code --device}, {@code --precision}, {@code --threads}. */
public class ComputeOptions {

  @Mixin DeviceOptions target;

  @Option(
      names = "--precision",
      description =
          "fp32, fp16 or bf16 (bf16-rounded weights, fp32 arithmetic) (default: ${DEFAULT-VALUE})")
  String precision = "fp32";

  /** Configures the engine; call before the first DJL use. */
  void apply() {
    target.apply();
  }

  Device device() {
    return target.device();
  }

  Precision precision() {
    return Precision.parse(precision);
  }
}
