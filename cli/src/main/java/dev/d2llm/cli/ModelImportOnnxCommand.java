package dev.d2llm.cli;

import dev.d2llm.embedding.EncoderSettings;
import dev.d2llm.embedding.Pooling;
import dev.d2llm.hub.BundledEncoderPull;
import dev.d2llm.onnx.OnnxBertConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code d2llm model import-onnx}: any BERT-family ONNX export as a Hub directory. */
@Command(
    name = "import-onnx",
    mixinStandardHelpOptions = true,
    description =
        "Imports a BERT-family ONNX export (weights mapped through the graph) into a Hugging Face"
            + " directory with the pooling and prefixes given here.")
public class ModelImportOnnxCommand implements Callable<Integer> {

  @Parameters(paramLabel = "ONNX", description = "the .onnx file")
  Path onnx;

  @Option(names = "--tokenizer", required = true, description = "the model's tokenizer.json")
  Path tokenizer;

  @Option(names = "--out", required = true, description = "directory to write")
  Path out;

  @Option(names = "--pooling", description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
  Pooling pooling = Pooling.MEAN;

  @Option(names = "--normalize", description = "L2-normalise embeddings")
  boolean normalize;

  @Option(names = "--query-prefix", description = "text put before every query")
  String queryPrefix = "";

  @Option(names = "--passage-prefix", description = "text put before every passage")
  String passagePrefix = "";

  @Option(names = "--max-length", description = "token limit (default: ${DEFAULT-VALUE})")
  int maxLength = 512;

  @Override
  public Integer call() throws Exception {
    EncoderSettings settings =
        new EncoderSettings(pooling, normalize, queryPrefix, passagePrefix, maxLength);
    OnnxBertConfig config = BundledEncoderPull.importOnnx(onnx, tokenizer, out, settings);
    System.out.printf(
        "imported %s into %s: %d layers, hidden %d, %d heads%n",
        onnx, out, config.numHiddenLayers(), config.hiddenSize(), config.numAttentionHeads());
    return 0;
  }
}
