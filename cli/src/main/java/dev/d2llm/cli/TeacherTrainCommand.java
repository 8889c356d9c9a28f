package dev.d2llm.cli;

import dev.d2llm.data.LabelledPair;
import dev.d2llm.data.NliLabel;
import dev.d2llm.data.PairFiles;
import dev.d2llm.data.PairSet;
import dev.d2llm.data.PairTask;
import dev.d2llm.data.TrainingExample;
import dev.d2llm.data.TrainingExampleFiles;
import dev.d2llm.teacher.CrossEncoderTeacher;
import dev.d2llm.teacher.CrossEncoderTraining;
import dev.d2llm.teacher.ScoredPair;
import dev.d2llm.teacher.TextPair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code d2llm teacher train}: fine-tune a BERT-family cross-encoder teacher on labelled pairs. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Fine-tunes a BERT-family model as cross-encoder ([CLS] a [SEP] b [SEP] -> pooler -> one logit)"
            + " on a labelled pair file: STS scores become targets in [0, 1] (regression through soft-target"
            + " cross-entropy), binary labels and NLI (entailment 1, neutral and contradiction 0) classification."
            + " Mined retrieval examples (JSONL, d2llm mine) train it too: each query with its positive (1) and its"
            + " first --negatives hard negatives (0); with --objective listwise each such group is ranked as a"
            + " whole (softmax over the group, the pointwise loss beside it) and --batch-size counts groups."
            + " Saves the best epoch by dev Spearman as a Hugging Face BertForSequenceClassification directory.")
public class TeacherTrainCommand implements Callable<Integer> {

  @Option(
      names = "--base",
      required = true,
      description = "BERT-family model directory to start from")
  Path base;

  @Option(
      names = "--train",
      required = true,
      description = "labelled pair file (TSV) or mined examples (JSONL)")
  Path train;

  @Option(
      names = "--dev",
      required = true,
      description = "labelled pair file or mined examples for model selection")
  Path dev;

  @Option(
      names = "--negatives",
      description =
          "mined examples: hard negatives per query kept as label-0 pairs"
              + " (default: ${DEFAULT-VALUE})")
  int negatives = 3;

  @Option(
      names = "--objective",
      description =
          "${COMPLETION-CANDIDATES}: pairs alone, or mined examples' groups (query, positive,"
              + " --negatives negatives) ranked as a whole (default: ${DEFAULT-VALUE})")
  Objective objective = Objective.pointwise;

  /** How the teacher's loss sees the training pairs. */
  enum Objective {
    pointwise,
    listwise
  }

  @Option(names = "--out", required = true, description = "teacher directory to write")
  Path out;

  @Option(names = "--epochs", description = "(default: ${DEFAULT-VALUE})")
  int epochs = CrossEncoderTraining.Options.defaults().epochs();

  @Option(names = "--batch-size", description = "(default: ${DEFAULT-VALUE})")
  int batchSize = CrossEncoderTraining.Options.defaults().batchSize();

  @Option(names = "--lr", description = "peak learning rate (default: ${DEFAULT-VALUE})")
  float lr = CrossEncoderTraining.Options.defaults().learningRate();

  @Option(
      names = "--max-train",
      description = "use at most this many training pairs (listwise: groups) (default: all)")
  int maxTrain = Integer.MAX_VALUE;

  @Option(names = "--seed", description = "(default: ${DEFAULT-VALUE})")
  long seed = CrossEncoderTraining.Options.defaults().seed();

  @Mixin DeviceOptions device;

  @Override
  public Integer call() {
    device.apply();
    if (negatives < 0) {
      throw new ParameterException(
          new CommandLine(this), "--negatives must be >= 0, got " + negatives);
    }
    boolean listwise = objective == Objective.listwise;
    if (listwise && (negatives < 1 || !train.getFileName().toString().endsWith(".jsonl"))) {
      throw new ParameterException(
          new CommandLine(this),
          "--objective listwise needs mined examples (JSONL) for --train and --negatives >= 1");
    }
    List<ScoredPair> trainPairs = listwise ? List.of() : limit(read(train));
    List<List<ScoredPair>> trainGroups = List.of();
    if (listwise) {
      List<TrainingExample> examples = TrainingExampleFiles.read(train);
      List<List<ScoredPair>> all = exampleGroups(examples, negatives);
      trainGroups = limit(all);
      System.out.printf(
          Locale.ROOT,
          "groups=%d size=%d dropped_with_fewer_negatives=%d%n",
          trainGroups.size(),
          negatives + 1,
          examples.size() - all.size());
      if (trainGroups.isEmpty()) {
        throw new ParameterException(
            new CommandLine(this),
            "--objective listwise: no example of "
                + train
                + " has "
                + negatives
                + " negatives (--negatives) to make a group of, or --max-train is 0");
      }
    }
    int items = listwise ? trainGroups.size() : trainPairs.size();
    List<ScoredPair> devPairs = read(dev);
    var defaults = CrossEncoderTraining.Options.defaults();
    var options =
        new CrossEncoderTraining.Options(
            epochs,
            batchSize,
            lr,
            defaults.warmupFraction(),
            defaults.weightDecay(),
            defaults.clipNorm(),
            seed);
    long steps = (long) epochs * ((items + batchSize - 1) / batchSize);
    try (CrossEncoderTeacher teacher = CrossEncoderTeacher.open(base, device.device(), seed);
        ProgressBar bar = Bars.of("teacher", steps, " steps")) {
      var listener =
          new CrossEncoderTraining.Listener() {
            @Override
            public void step(long step, long total, double loss) {
              bar.stepTo(step);
              bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", loss));
            }

            @Override
            public void epoch(int epoch, double devSpearman, boolean saved) {
              System.out.printf(
                  Locale.ROOT,
                  "epoch=%d dev_spearman=%.4f%s%n",
                  epoch,
                  devSpearman,
                  saved ? " saved" : "");
            }
          };
      double best =
          listwise
              ? CrossEncoderTraining.trainListwise(
                  teacher, trainGroups, devPairs, options, out, listener)
              : CrossEncoderTraining.train(teacher, trainPairs, devPairs, options, out, listener);
      System.out.printf(Locale.ROOT, "teacher=%s best_dev_spearman=%.4f%n", out, best);
    }
    return 0;
  }

  private <T> List<T> limit(List<T> items) {
    return items.subList(0, Math.min(maxTrain, items.size()));
  }

  private List<ScoredPair> read(Path file) {
    return file.getFileName().toString().endsWith(".jsonl")
        ? examplePairs(TrainingExampleFiles.read(file), negatives)
        : targets(PairFiles.read(file));
  }

  /**
   * Each mined example as its (query, positive) pair, target 1, then its first {@code negatives}
   * hard negatives, 0.
   */
  static List<ScoredPair> examplePairs(List<TrainingExample> examples, int negatives) {
    List<ScoredPair> pairs = new ArrayList<>();
    for (TrainingExample e : examples) {
      pairs.add(new ScoredPair(new TextPair(e.query(), e.positive()), 1f));
      for (String n : e.negatives().subList(0, Math.min(negatives, e.negatives().size()))) {
        pairs.add(new ScoredPair(new TextPair(e.query(), n), 0f));
      }
    }
    return pairs;
  }

  /**
   * Each mined example with at least {@code negatives} hard negatives as one group: its positive
   * (1), then its first {@code negatives} negatives (0). Examples with fewer are left out.
   */
  static List<List<ScoredPair>> exampleGroups(List<TrainingExample> examples, int negatives) {
    return examples.stream()
        .filter(e -> e.negatives().size() >= negatives)
        .map(e -> examplePairs(List.of(e), negatives))
        .toList();
  }

  /**
   * Targets in [0, 1]: STS scores divided by the set's maximum, labels as they are, NLI entailment
   * 1.
   */
  static List<ScoredPair> targets(PairSet set) {
    double max =
        set.task() == PairTask.STS
            ? set.pairs().stream().mapToDouble(LabelledPair::label).max().orElse(1)
            : 1;
    return set.pairs().stream()
        .map(
            p ->
                new ScoredPair(
                    new TextPair(p.text1(), p.text2()), (float) target(set.task(), p.label(), max)))
        .toList();
  }

  private static double target(PairTask task, double label, double max) {
    return switch (task) {
      case STS -> Math.max(0, Math.min(1, label / max));
      case BINARY -> label;
      case NLI -> NliLabel.ofValue(label) == NliLabel.ENTAILMENT ? 1 : 0;
    };
  }
}
