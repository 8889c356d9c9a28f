package dev.d2llm.cli;

import dev.d2llm.backbone.BackboneConfig;
import dev.d2llm.bench.TrainStepBenchmark;
import dev.d2llm.lora.LoraConfig;
import dev.d2llm.student.InteractionEmulation;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentConfig;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code d2llm bench train}: a LoRA student's training step on a base model (BERT family or
 * decoder), timed alone; gpu/bench_train.py is the same step in transformers and PEFT.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Times a student's training step on --model with LoRA (rank --lora-rank on the family's default"
            + " projections) and PMA: --batch queries of --query-length and passages of --passage-length random tokens,"
            + " in-batch softmax, backward, AdamW. Prints the median step, steps/s and tokens/s.")
public class BenchTrainCommand implements Callable<Integer> {

  @Option(
      names = "--model",
      required = true,
      description = "base model directory (Hugging Face layout)")
  Path model;

  @Option(
      names = "--batch",
      description = "queries (and passages) per step (default: ${DEFAULT-VALUE})")
  int batch = 16;

  @Option(names = "--query-length", description = "tokens per query (default: ${DEFAULT-VALUE})")
  int queryLength = 32;

  @Option(
      names = "--passage-length",
      description = "tokens per passage (default: ${DEFAULT-VALUE})")
  int passageLength = 224;

  @Option(
      names = "--lora-rank",
      description = "LoRA rank; alpha equals it (default: ${DEFAULT-VALUE})")
  int loraRank = 8;

  @Option(names = "--pma-heads", description = "PMA heads (default: ${DEFAULT-VALUE})")
  int pmaHeads = 32;

  @Option(names = "--steps", description = "timed steps (default: ${DEFAULT-VALUE})")
  int steps = 20;

  @Option(names = "--warmup", description = "untimed first steps (default: ${DEFAULT-VALUE})")
  int warmup = 3;

  @Mixin DeviceOptions device;

  @Override
  public Integer call() {
    device.apply();
    LoraConfig defaults = LoraConfig.defaults(BackboneConfig.read(model));
    LoraConfig lora = new LoraConfig(loraRank, loraRank, defaults.dropout(), defaults.targets());
    StudentConfig config =
        new StudentConfig(model.toString(), lora, pmaHeads, InteractionEmulation.DEFAULT_HIDDEN);
    var shape = new TrainStepBenchmark.StepShape(batch, queryLength, passageLength);
    try (Student student = Student.create(model, config, device.device(), 7)) {
      TrainStepBenchmark.Result r = TrainStepBenchmark.run(student, shape, steps, warmup, 11);
      System.out.printf(
          Locale.ROOT,
          "d2llm_train model=%s batch=%d query_length=%d passage_length=%d lora_rank=%d"
              + " device=%s median_step_s=%.4f steps_per_s=%.2f tokens_per_s=%.0f last_loss=%.4f%n",
          student.backbone().config().modelType(),
          batch,
          queryLength,
          passageLength,
          loraRank,
          device.device(),
          r.medianStepSeconds(),
          r.stepsPerSecond(),
          r.tokensPerSecond(),
          r.lastLoss());
    }
    return 0;
  }
}
