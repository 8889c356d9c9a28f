package dev.d2llm.cli;

import dev.d2llm.backbone.Precision;
import dev.d2llm.data.BeirFiles;
import dev.d2llm.data.PairFiles;
import dev.d2llm.data.PositivePairs;
import dev.d2llm.data.TrainingExample;
import dev.d2llm.data.TrainingExampleFiles;
import dev.d2llm.embedding.SentenceEncoder;
import dev.d2llm.embedding.TextRole;
import dev.d2llm.mining.Bm25Miner;
import dev.d2llm.mining.DenseMiner;
import dev.d2llm.mining.InterleavedMiner;
import dev.d2llm.mining.Language;
import dev.d2llm.mining.MiningMethod;
import dev.d2llm.mining.NegativeMiner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code d2llm mine}: training examples with hard negatives from labelled pair files. */
@Command(
    name = "mine",
    mixinStandardHelpOptions = true,
    description =
        "Reads labelled pair files, keeps the positive pairs (STS score >= threshold, label 1,"
            + " entailment) as (query, positive) examples (or a retrieval set's judged pairs, --retrieval), and mines hard negatives for each from the pool"
            + " of positives of its data set (its own positives removed): BM25 (Lucene) or dense cosine.")
public class MineCommand implements Callable<Integer> {

  @Option(
      names = "--data",
      split = ",",
      description = "pair files (TSV); the data set name is the parent folder's")
  List<Path> data = List.of();

  @Option(
      names = "--retrieval",
      description =
          "a retrieval set (BEIR folder): its judged query-passage pairs of"
              + " --split are the examples, the data set's name is the folder's")
  Path retrieval;

  @Option(names = "--split", description = "qrels split of --retrieval (default: ${DEFAULT-VALUE})")
  String split = "train";

  @Option(names = "--out", required = true, description = "training examples to write (JSONL)")
  Path out;

  @Option(
      names = "--method",
      description =
          "${COMPLETION-CANDIDATES} (hybrid: BM25's and the dense model's negatives in"
              + " turn; case-insensitive) (default: ${DEFAULT-VALUE})")
  MiningMethod method = MiningMethod.BM25;

  @Option(names = "--model", description = "encoder directory for --method dense or hybrid")
  Path model;

  @Option(
      names = "--language",
      description = "${COMPLETION-CANDIDATES}: BM25 analysis (default: ${DEFAULT-VALUE})")
  Language language = Language.ENGLISH;

  @Option(names = "--k", description = "hard negatives per example (default: ${DEFAULT-VALUE})")
  int k = 30;

  @Option(
      names = "--sts-threshold",
      description = "lowest STS score kept as positive (default: ${DEFAULT-VALUE})")
  double stsThreshold = PositivePairs.DEFAULT_STS_THRESHOLD;

  @Mixin DeviceOptions device;

  @Override
  public Integer call() {
    if (data.isEmpty() && retrieval == null) {
      System.err.println("mine: give pair files (--data) or a retrieval set (--retrieval)");
      return 2;
    }
    List<TrainingExample> examples = new ArrayList<>();
    if (retrieval != null) {
      Path folder = retrieval.toAbsolutePath().normalize();
      examples.addAll(
          PositivePairs.examples(BeirFiles.read(folder, split), folder.getFileName().toString()));
    }
    for (Path file : data) {
      var pairs = PairFiles.read(file); // first, so a missing or malformed file is reported as such
      Path folder = file.toAbsolutePath().getParent();
      String dataset =
          folder == null || folder.getFileName() == null
              ? file.getFileName().toString().replaceFirst("\\.tsv$", "")
              : folder.getFileName().toString();
      examples.addAll(PositivePairs.examples(pairs, dataset, stsThreshold));
    }
    List<TrainingExample> mined;
    if (!method.needsEncoder()) {
      mined = new Bm25Miner(language).mine(examples, k);
    } else {
      if (model == null) {
        System.err.println("mine: --method " + method + " needs --model DIR");
        return 2;
      }
      device.apply();
      try (SentenceEncoder encoder = SentenceEncoder.open(model, device.device(), Precision.FP32)) {
        NegativeMiner dense =
            new DenseMiner(
                t -> encoder.embed(t, TextRole.QUERY), t -> encoder.embed(t, TextRole.PASSAGE));
        NegativeMiner miner =
            method == MiningMethod.DENSE
                ? dense
                : new InterleavedMiner(List.of(new Bm25Miner(language), dense));
        mined = miner.mine(examples, k);
      }
    }
    // A query made only of stop words finds no candidate: such an example cannot be distilled.
    List<TrainingExample> kept = mined.stream().filter(e -> !e.negatives().isEmpty()).toList();
    TrainingExampleFiles.write(out, kept);
    System.out.printf(
        "examples=%d dropped_without_negatives=%d out=%s%n",
        kept.size(), mined.size() - kept.size(), out);
    return 0;
  }
}
