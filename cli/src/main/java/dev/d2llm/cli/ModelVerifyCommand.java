package dev.d2llm.cli;

import dev.d2llm.verify.Comparison;
import dev.d2llm.verify.OnnxRuntimeParity;
import dev.d2llm.verify.ParityReport;
import dev.d2llm.verify.ReferenceParity;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code d2llm model verify DIR}: our outputs against the reference implementation's. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Compares a model directory's outputs with a reference implementation and prints max_abs_diff.",
      "With reference.safetensors (made by scripts/make_tiny_fixtures.py with Hugging Face transformers)"
          + " it compares hidden states and logits; with onnx/model.onnx it compares final-layer"
          + " states with ONNX Runtime over built-in sentences. Exit 0 only within tolerance."
    })
public class ModelVerifyCommand implements Callable<Integer> {

  @Parameters(paramLabel = "DIR", description = "Hugging Face-style model directory")
  Path dir;

  @Option(names = "--threads", description = "CPU threads (default: all cores)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--device",
      description =
          "cpu, gpu or gpuN: where the model runs for the transformers"
              + " references and --onnx-reference (live ONNX Runtime comparisons run on the CPU) (default: ${DEFAULT-VALUE})")
  String device = "cpu";

  @Option(
      names = "--save-onnx-reference",
      paramLabel = "FILE",
      description =
          "write ONNX Runtime's final-layer states of"
              + " the built-in sentences to FILE and stop (for a machine without ONNX Runtime, such as the GPU machine)")
  Path saveOnnxReference;

  @Option(
      names = "--onnx-reference",
      paramLabel = "FILE",
      description =
          "compare with ONNX Runtime's states saved by"
              + " --save-onnx-reference instead of running ONNX Runtime; our side runs on --device")
  Path onnxReference;

  @Override
  public Integer call() {
    Engines.configure(threads);
    if (saveOnnxReference != null) {
      int batches = OnnxRuntimeParity.saveReference(dir, threads, saveOnnxReference);
      System.out.println("onnx_reference=" + saveOnnxReference + " batches=" + batches);
      return 0;
    }
    ParityReport report;
    if (onnxReference != null) {
      report = OnnxRuntimeParity.verifyAgainst(dir, onnxReference, DeviceOptions.parse(device));
    } else if (ReferenceParity.applies(dir)) {
      report = ReferenceParity.verify(dir, DeviceOptions.parse(device));
    } else if (OnnxRuntimeParity.applies(dir)) {
      report = OnnxRuntimeParity.verify(dir, threads);
    } else {
      System.err.println(
          "verify: " + dir + " holds neither reference.safetensors nor onnx/model.onnx");
      return 2;
    }
    for (Comparison c : report.comparisons()) {
      System.out.println(c);
    }
    System.out.println(String.format(Locale.ROOT, "max_abs_diff=%.3e", report.maxAbsDiff()));
    return report.passes() ? 0 : 1;
  }
}
