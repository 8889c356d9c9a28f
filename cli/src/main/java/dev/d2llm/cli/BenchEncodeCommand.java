package dev.d2llm.cli;

import dev.d2llm.backbone.BackboneModel;
import dev.d2llm.bench.CpuVendor;
import dev.d2llm.embedding.EncoderSettings;
import dev.d2llm.embedding.LengthBatcher;
import dev.d2llm.embedding.SentenceEncoder;
import dev.d2llm.embedding.SentenceTransformersFiles;
import dev.d2llm.embedding.TextRole;
import dev.d2llm.nn.TorchProfiler;
import dev.d2llm.text.TextTokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code d2llm bench encode}: sentence-encoder throughput end to end, text in and unit vectors out
 * on the host, at a fixed batch size, so that it compares with sentence-transformers' {@code
 * encode} at the same batch size on the same device (gpu/bench_encode.py is that side).
 */
@Command(
    name = "encode",
    mixinStandardHelpOptions = true,
    description =
        "Embeds the lines of --texts with --model on --device in length-sorted batches of --batch rows"
            + " (tokenising included) and prints sentences/s, the median of --repeats passes after a warm-up.")
public class BenchEncodeCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "sentence-transformers model directory")
  Path model;

  @Option(names = "--texts", required = true, description = "file with one text per line")
  Path texts;

  @Option(names = "--batch", description = "rows per batch (default: ${DEFAULT-VALUE})")
  int batch = 128;

  @Option(
      names = "--repeats",
      description = "timed passes; the median counts (default: ${DEFAULT-VALUE})")
  int repeats = 5;

  @Option(
      names = "--dump",
      description = "write the first --dump-count vectors here, float32 little-endian")
  Path dump;

  @Option(names = "--dump-count", description = "vectors --dump writes (default: ${DEFAULT-VALUE})")
  int dumpCount = 256;

  @Option(
      names = "--profile",
      description =
          "write PyTorch's operator trace of one extra pass here (Chrome trace JSON;"
              + " scripts/profile-summary.py tabulates it)")
  Path profile;

  @Mixin ComputeOptions compute;

  @Override
  public Integer call() throws IOException {
    compute.apply();
    List<String> all =
        Files.readAllLines(texts, StandardCharsets.UTF_8).stream()
            .filter(l -> !l.isBlank())
            .toList();
    EncoderSettings settings = SentenceTransformersFiles.read(model);
    BackboneModel backbone = BackboneModel.load(model, compute.device(), compute.precision());
    int maxLength = Math.min(settings.maxLength(), backbone.config().maxPositions());
    // The row count binds, not the token budget: the same batches as sentence-transformers'
    // batch_size.
    LengthBatcher batcher = new LengthBatcher(batch * maxLength, batch);
    try (SentenceEncoder encoder =
        new SentenceEncoder(
            backbone, TextTokenizer.open(model, maxLength, true), settings, batcher)) {
      float[][] vectors = encoder.embed(all, TextRole.PASSAGE); // warm-up
      double[] seconds = new double[repeats];
      for (int r = 0; r < repeats; r++) {
        long start = System.nanoTime();
        encoder.embed(all, TextRole.PASSAGE);
        seconds[r] = (System.nanoTime() - start) / 1e9;
      }
      Arrays.sort(seconds);
      if (profile != null) {
        long start = System.nanoTime();
        TorchProfiler.record(profile, () -> encoder.embed(all, TextRole.PASSAGE));
        System.out.printf(
            Locale.ROOT,
            "profile=%s profiled_pass_s=%.3f %s%n",
            profile,
            (System.nanoTime() - start) / 1e9,
            TorchProfiler.threading());
      }
      double median = seconds[repeats / 2];
      if (dump != null) {
        int n = Math.min(dumpCount, vectors.length);
        ByteBuffer bytes =
            ByteBuffer.allocate(n * vectors[0].length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
          for (float v : vectors[i]) {
            bytes.putFloat(v);
          }
        }
        Files.write(dump, bytes.array());
      }
      System.out.printf(
          Locale.ROOT,
          "d2llm_encode texts=%d batch=%d device=%s precision=%s median_s=%.3f"
              + " sentences_per_s=%.1f passes_s=%s %s%n",
          all.size(),
          batch,
          compute.device(),
          compute.precision(),
          median,
          all.size() / median,
          Arrays.toString(seconds),
          CpuVendor.describe());
    }
    return 0;
  }
}
