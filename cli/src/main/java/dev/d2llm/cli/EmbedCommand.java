package dev.d2llm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.d2llm.embedding.SentenceEncoder;
import dev.d2llm.embedding.TextRole;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code d2llm embed}: sentence vectors from a model directory, or their pairwise similarities. */
@Command(
    name = "embed",
    mixinStandardHelpOptions = true,
    description =
        "Embeds texts with a model directory's native pooling and prefixes. Prints one JSON line"
            + " per text, or with --similarities the cosine of every pair.")
public class EmbedCommand implements Callable<Integer> {

  /** Fewer texts than this finish before a progress bar would tell anything. */
  private static final int PROGRESS_FROM = 256;

  @Option(names = "--model", required = true, description = "Hugging Face-style model directory")
  Path model;

  @Option(
      names = "--input",
      description = "file with one text per line (instead of TEXT arguments)")
  Path input;

  @Option(
      names = "--role",
      description = "${COMPLETION-CANDIDATES}: which prefix applies (default: ${DEFAULT-VALUE})")
  TextRole role = TextRole.PASSAGE;

  @Option(
      names = "--similarities",
      description = "print pairwise cosine similarities instead of vectors")
  boolean similarities;

  @Mixin ComputeOptions compute;

  @Parameters(paramLabel = "TEXT", arity = "0..*", description = "texts to embed")
  List<String> texts = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    compute.apply();
    List<String> all = new ArrayList<>(texts);
    if (input != null) {
      all.addAll(
          Files.readAllLines(input, StandardCharsets.UTF_8).stream()
              .filter(l -> !l.isBlank())
              .toList());
    }
    if (all.isEmpty()) {
      System.err.println("embed: give TEXT arguments or --input FILE");
      return 2;
    }
    float[][] vectors;
    try (SentenceEncoder encoder =
        SentenceEncoder.open(model, compute.device(), compute.precision())) {
      if (all.size() < PROGRESS_FROM) {
        vectors = encoder.embed(all, role);
      } else {
        try (ProgressBar bar =
            new ProgressBarBuilder()
                .setTaskName("embed")
                .setInitialMax(all.size())
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(Consoles.stderr())
                .build()) {
          vectors = encoder.embed(all, role, bar::stepBy);
        }
      }
    }
    PrintStream out = System.out;
    if (similarities) {
      for (int i = 0; i < all.size(); i++) {
        for (int j = i + 1; j < all.size(); j++) {
          out.printf(
              Locale.ROOT,
              "%.4f  %s  <->  %s%n",
              SentenceEncoder.cosine(vectors[i], vectors[j]),
              all.get(i),
              all.get(j));
        }
      }
      return 0;
    }
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < all.size(); i++) {
      ObjectNode line = json.createObjectNode();
      line.put("text", all.get(i));
      var array = line.putArray("embedding");
      for (float v : vectors[i]) {
        array.add(v);
      }
      out.println(json.writeValueAsString(line));
    }
    return 0;
  }
}
