package dev.d2llm.cli;

import ai.djl.Device;
import dev.d2llm.backbone.BackboneConfig;
import dev.d2llm.data.TrainingExampleFiles;
import dev.d2llm.embedding.SentenceTransformersFiles;
import dev.d2llm.hub.ModelCache;
import dev.d2llm.lora.LoraConfig;
import dev.d2llm.student.Branch;
import dev.d2llm.student.CosineMidpoint;
import dev.d2llm.student.IemKind;
import dev.d2llm.student.InteractionEmulation;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentConfig;
import dev.d2llm.student.StudentFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code d2llm student init}: an untrained student on a base model, ready for distillation. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description =
        "Creates an untrained student on a base model: LoRA on every projection (B = 0, so the"
            + " backbone starts as the base), PMA and IEM initialised from the seed.")
public class StudentInitCommand implements Callable<Integer> {

  /** Parses {@code --iem}. */
  static final class IemKindConverter implements picocli.CommandLine.ITypeConverter<IemKind> {
    @Override
    public IemKind convert(String value) {
      return IemKind.parse(value);
    }
  }

  @Option(
      names = "--base",
      required = true,
      description = "base model directory, or bundled:NAME (pulled on first use)")
  String base;

  @Option(names = "--out", required = true, description = "student directory to write")
  Path out;

  @Option(
      names = "--lora-rank",
      description =
          "LoRA rank r; 0 for no adapters (a frozen backbone) (default: ${DEFAULT-VALUE})")
  int rank = 8;

  @Option(names = "--lora-alpha", description = "LoRA alpha (default: ${DEFAULT-VALUE})")
  double alpha = 8;

  @Option(names = "--lora-dropout", description = "LoRA dropout (default: ${DEFAULT-VALUE})")
  double dropout = 0.05;

  @Option(
      names = "--pma-heads",
      description = "PMA heads; must divide the hidden size (default: ${DEFAULT-VALUE})")
  int pmaHeads = 32;

  @Option(names = "--iem-hidden", description = "IEM width (default: ${DEFAULT-VALUE})")
  int iemHidden = InteractionEmulation.DEFAULT_HIDDEN;

  @Option(
      names = "--iem",
      converter = IemKindConverter.class,
      description =
          "paper: the method's IEM, an MLP from"
              + " scratch; residual: the backbone's zero-shot cosine (native pooling and prefixes) plus that MLP, whose last"
              + " layer starts at zero, so the untrained student ranks as its backbone (default: ${DEFAULT-VALUE})")
  IemKind iem = IemKind.RESIDUAL;

  @Option(
      names = "--calibrate",
      description =
          "residual only, repeatable: BRANCH=FILE (sym or asym) of mined training"
              + " examples (JSONL) whose query-positive and query-negative cosines set that branch's cosine midpoint, so"
              + " that the untrained student's probabilities are calibrated (related pairs above 0.5, unrelated below)"
              + " instead of all near 1")
  java.util.Map<String, Path> calibrate = new java.util.LinkedHashMap<>();

  @Option(names = "--seed", description = "initialisation seed (default: ${DEFAULT-VALUE})")
  long seed = 2023;

  @Override
  public Integer call() {
    Engines.configure(Runtime.getRuntime().availableProcessors());
    boolean bundled = ModelCache.isBundled(base);
    Path baseDir = bundled ? ModelCache.resolve(base) : Path.of(base);
    LoraConfig defaults = LoraConfig.defaults(BackboneConfig.read(baseDir));
    String baseModel = bundled ? base : baseDir.toAbsolutePath().normalize().toString();
    LoraConfig lora = rank == 0 ? null : new LoraConfig(rank, alpha, dropout, defaults.targets());
    StudentConfig config =
        iem == IemKind.RESIDUAL
            ? StudentConfig.residual(
                baseModel, lora, pmaHeads, iemHidden, SentenceTransformersFiles.read(baseDir))
            : new StudentConfig(baseModel, lora, pmaHeads, iemHidden);
    if (!calibrate.isEmpty() && iem != IemKind.RESIDUAL) {
      System.err.println(
          "student init: --calibrate sets a residual IEM's cosine term; this student is "
              + iem.label());
      return 2;
    }
    try (Student student = Student.create(baseDir, config, Device.cpu(), seed)) {
      for (var e : calibrate.entrySet()) {
        Branch branch = Branch.parse(e.getKey());
        float midpoint =
            CosineMidpoint.of(student, branch, TrainingExampleFiles.read(e.getValue()));
        student.iem().centreCosineAt(branch, midpoint);
        System.out.printf(
            java.util.Locale.ROOT,
            "%s cosine midpoint %.4f from %s%n",
            branch.name().toLowerCase(java.util.Locale.ROOT),
            midpoint,
            e.getValue());
      }
      StudentFiles.save(student, out);
      System.out.printf(
          "%s student on %s written to %s: %d trainable tensors%n",
          iem.label(), base, out, student.trainableParameters().size());
    }
    return 0;
  }
}
