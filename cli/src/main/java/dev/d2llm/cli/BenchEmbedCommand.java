package dev.d2llm.cli;

import dev.d2llm.bench.BenchTexts;
import dev.d2llm.bench.EmbedBenchmark;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code d2llm bench embed}: encoder throughput against ONNX Runtime on the same texts. */
@Command(
    name = "embed",
    mixinStandardHelpOptions = true,
    description =
        "Embeds the same sentences (and, with --passages, long passages) with d2llm and with ONNX"
            + " Runtime (same threads, same length-sorted batchings, each making unit vectors with the"
            + " model's pooling) and prints both throughputs and speedup_vs_onnxruntime=<x>.")
public class BenchEmbedCommand implements Callable<Integer> {

  @Option(
      names = "--model",
      required = true,
      description = "pulled encoder directory (holds onnx/model.onnx)")
  Path model;

  @Option(
      names = "--data",
      description =
          "texts: a pair file (.tsv, both columns), a BEIR corpus or queries file"
              + " (.jsonl; en/medquad/corpus.jsonl for long passages) or one text per line (default: ${DEFAULT-VALUE})")
  Path data = Path.of("../shared/data/en/stsb/train.tsv");

  @Option(names = "--count", description = "number of sentences (default: ${DEFAULT-VALUE})")
  int count = 2000;

  @Option(names = "--threads", description = "CPU threads for both engines (default: all cores)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--repeats",
      description =
          "timed passes per engine and batching; the median counts (default: ${DEFAULT-VALUE})")
  int repeats = 3;

  @Option(
      names = "--token-budget",
      split = ",",
      description = "batchings to try, as tokens per batch (default: ${DEFAULT-VALUE})")
  List<Integer> tokenBudgets = List.of(1024, 2048, 4096);

  @Option(
      names = "--passages",
      description =
          "also long passages: a BEIR corpus or text file (e.g. ../shared/data/en/medquad/corpus.jsonl);"
              + " prints speedup_vs_onnxruntime_passages=<x> after the sentences' line")
  Path passages;

  @Option(
      names = "--passage-count",
      description = "number of passages with --passages (default: ${DEFAULT-VALUE})")
  int passageCount = 64;

  @Override
  public Integer call() {
    Engines.configure(threads);
    List<String> texts = BenchTexts.fromFile(data, count);
    if (texts.size() < count) {
      System.err.printf("bench: only %d distinct texts in %s%n", texts.size(), data);
    }
    // Read before the first run, so that a wrong path fails at once, not minutes in.
    List<String> passageTexts =
        passages == null ? null : BenchTexts.fromFile(passages, passageCount);
    report("", "sentences/s", texts);
    if (passageTexts != null) {
      report("passages: ", "/s", passageTexts);
    }
    return 0;
  }

  /**
   * Runs the benchmark on {@code texts} and prints its two lines (the last one's key gets the
   * label).
   */
  private void report(String label, String unit, List<String> texts) {
    EmbedBenchmark.Result r =
        new EmbedBenchmark(model, threads, repeats, tokenBudgets, System.out).run(texts);
    System.out.printf(
        Locale.ROOT,
        "%sd2llm=%.1f %s onnxruntime=%.1f %s (best batching each, median of %d)%n",
        label,
        r.oursSentencesPerSecond(),
        unit,
        r.peerSentencesPerSecond(),
        unit,
        repeats);
    String suffix = label.isEmpty() ? "" : "_" + label.replace(": ", "");
    System.out.printf(Locale.ROOT, "speedup_vs_onnxruntime%s=%.3f%n", suffix, r.speedup());
  }
}
