package dev.d2llm.cli;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import dev.d2llm.data.BeirFiles;
import dev.d2llm.data.PairFiles;
import dev.d2llm.data.PairSet;
import dev.d2llm.data.PairTask;
import dev.d2llm.data.TrainingExample;
import dev.d2llm.data.TrainingExampleFiles;
import dev.d2llm.distill.BatchPlan;
import dev.d2llm.distill.CachedTokenStates;
import dev.d2llm.distill.DistillListener;
import dev.d2llm.distill.DistillOptions;
import dev.d2llm.distill.DistillRun;
import dev.d2llm.distill.Distiller;
import dev.d2llm.distill.LiveTokenStates;
import dev.d2llm.distill.PooledVectors;
import dev.d2llm.distill.Replica;
import dev.d2llm.distill.TeacherSignal;
import dev.d2llm.distill.TokenStates;
import dev.d2llm.distill.loss.DistillationLoss;
import dev.d2llm.embedding.TextEncoder;
import dev.d2llm.eval.Evaluation;
import dev.d2llm.eval.IemScorer;
import dev.d2llm.eval.StudentRetrieval;
import dev.d2llm.student.Branch;
import dev.d2llm.student.DomainGate;
import dev.d2llm.student.IemKind;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentFiles;
import dev.d2llm.teacher.Teacher;
import dev.d2llm.teacher.TeacherScoreCache;
import dev.d2llm.teacher.Teachers;
import dev.d2llm.teacher.TextPair;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code d2llm distill}: train a student on mined examples against a teacher, with all D2LLM
 * losses.
 */
@Command(
    name = "distill",
    mixinStandardHelpOptions = true,
    description = {
      "Distils a teacher into a student (d2llm student init) on mined examples: in-batch contrastive, CI,"
          + " RI-1, RI-2 and FI losses, AdamW, warm-up, clipping, homogeneous seeded batches. Teacher pairs"
          + " missing from --cache are scored first. Validation on --dev every --validate-every steps saves"
          + " the best student to OUT/best; checkpoints in OUT/checkpoint let a killed run resume;"
          + " OUT/metrics.csv logs every step.",
      "--freeze-backbone trains PMA and IEM only, on token states computed once per text (CPU-practical)."
    })
public class DistillCommand implements Callable<Integer> {

  @Option(names = "--student", required = true, description = "student directory to start from")
  Path studentDir;

  @Option(names = "--examples", required = true, description = "mined training examples (JSONL)")
  Path examples;

  @Option(names = "--out", required = true, description = "run directory")
  Path out;

  @Option(
      names = "--dev",
      description =
          "validation data: a labelled pair file (IEM scores), or a retrieval set"
              + " (BEIR folder) judged by its qrels/dev.tsv with two-stage search (nDCG@10)")
  Path dev;

  @Option(
      names = "--dev-queries",
      description =
          "retrieval validation: the first N judged dev queries (default: ${DEFAULT-VALUE})")
  int devQueries = 300;

  @Option(
      names = "--freeze-backbone",
      description = "train PMA and IEM only, on cached backbone states")
  boolean freezeBackbone;

  @Option(names = "--lr", description = "(default: ${DEFAULT-VALUE})")
  float lr = DistillOptions.defaults().learningRate();

  @Option(
      names = "--warmup",
      description = "warm-up steps, capped at a tenth of the run (default: ${DEFAULT-VALUE})")
  long warmup = DistillOptions.defaults().warmupSteps();

  @Option(names = "--validate-every", description = "(default: ${DEFAULT-VALUE})")
  int validateEvery = DistillOptions.defaults().validateEvery();

  @Option(names = "--checkpoint-every", description = "(default: ${DEFAULT-VALUE})")
  int checkpointEvery = DistillOptions.defaults().checkpointEvery();

  @Option(
      names = "--patience",
      description = "validations without improvement before stopping (default: ${DEFAULT-VALUE})")
  int patience = DistillOptions.defaults().patience();

  @Option(names = "--alpha", description = "CI weight (default: ${DEFAULT-VALUE})")
  float alpha = DistillationLoss.DEFAULTS.alpha();

  @Option(names = "--beta", description = "RI-1 weight (default: ${DEFAULT-VALUE})")
  float beta = DistillationLoss.DEFAULTS.beta();

  @Option(names = "--gamma", description = "RI-2 weight (default: ${DEFAULT-VALUE})")
  float gamma = DistillationLoss.DEFAULTS.gamma();

  @Option(names = "--eta", description = "FI weight (default: ${DEFAULT-VALUE})")
  float eta = DistillationLoss.DEFAULTS.eta();

  @Option(
      names = "--pointwise",
      description =
          "weight of pointwise imitation, BCE of sigmoid(z) to the teacher's"
              + " probability on every scored pair; not in the paper, it ties logits of different queries together"
              + " (default: ${DEFAULT-VALUE}, the paper's objective)")
  float pointwise = DistillationLoss.DEFAULTS.lambda();

  @Option(
      names = "--hard-in-batch",
      description =
          "put each query's hard negatives into the in-batch softmax beside"
              + " the batch's positives (the gold-label signal a fine-tuned bi-encoder gets); the paper's softmax holds the"
              + " positives only")
  boolean hardInBatch;

  @Option(
      names = "--freeze-pooling",
      description =
          "train the IEM alone (implies --freeze-backbone): a residual"
              + " student's vectors (its backbone's native pooling, or its trained PMA after a --bi-encoder run) are computed"
              + " once per text, so each step costs the IEM only (CPU-practical at any corpus size)")
  boolean freezePooling;

  @picocli.CommandLine.Mixin VectorCacheOption vectorCache;

  @Option(
      names = "--domain-gate",
      paramLabel = "QLOW,QHIGH[,PLOW,PHIGH]",
      split = ",",
      description =
          "residual IEM:"
              + " limit each trained branch's correction to its training domain (student.DomainGate): a pair's MLP share"
              + " ramps from 0 to 1 as the query's similarity to the centre of the branch's training queries rises from the"
              + " QLOW-th to the QHIGH-th percentile of theirs (and the passage's, to its positives', from PLOW to PHIGH);"
              + " elsewhere the branch ranks by its backbone's cosine. Fitted on the start's vectors (default: no gate)")
  List<Double> domainGate;

  @Option(
      names = "--fuse-cosine",
      paramLabel = "WEIGHT",
      description =
          "with a teacher and --freeze-pooling: distil from the teacher fused with the"
              + " student's own cosine, each teacher score + WEIGHT x cos(query, passage) of the frozen vectors (for a"
              + " student on a fine-tuned bi-encoder: the cross-encoder interpolated with that bi-encoder, as"
              + " 'eval --fuse-cosine' measures it; default: ${DEFAULT-VALUE}, the teacher alone)")
  double fuseCosine;

  @Option(
      names = "--teacher-log-odds",
      description =
          "the losses read the teacher's log-odds, log(p / (1 - p)), instead of its"
              + " probabilities: a sharp teacher's probabilities tie its negatives (1e-4 each), its log-odds keep"
              + " their order (not with --pointwise)")
  boolean teacherLogOdds;

  @Option(
      names = "--gold",
      description =
          "train on gold labels alone, no teacher: the in-batch softmax over the"
              + " batch's positives and each query's hard negatives (for data with no teacher to distil)")
  boolean gold;

  @Option(
      names = "--bi-encoder",
      description =
          "train the fine-tuned bi-encoder baseline instead of distilling:"
              + " a residual student's LoRA, PMA gate and cosine scale on gold labels alone (in-batch softmax over the batch's"
              + " positives and the query's hard negatives), the IEM's MLP left at zero; no teacher is read")
  boolean biEncoder;

  @Mixin TeacherOptions teaching;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin PlanOptions plan;

  @Mixin DeviceOptions device;

  @Override
  public Integer call() {
    boolean teacherFree = biEncoder || gold;
    if (!teacherFree) {
      teaching.require(spec);
    }
    requireValidDomainGate();
    if (teacherLogOdds && (teacherFree || pointwise > 0)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--teacher-log-odds needs a teacher (not --gold or --bi-encoder) and no --pointwise"
              + " (it compares probabilities)");
    }
    if (fuseCosine != 0
        && (teacherFree || !freezePooling || !(fuseCosine > 0) || Double.isInfinite(fuseCosine))) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--fuse-cosine needs a teacher, --freeze-pooling and a finite weight > 0, found "
              + fuseCosine);
    }
    device.apply();
    List<TrainingExample> all = TrainingExampleFiles.read(examples);
    DistillationLoss loss =
        teacherFree
            ? DistillationLoss.GOLD_CONTRASTIVE
            : new DistillationLoss(
                alpha,
                beta,
                gamma,
                eta,
                DistillationLoss.DEFAULTS.inBatchTemperature(),
                DistillationLoss.DEFAULTS.imitationTemperature(),
                pointwise,
                hardInBatch);
    DistillOptions options =
        new DistillOptions(
            plan.batchSize,
            plan.negatives,
            plan.epochs,
            lr,
            warmup,
            DistillOptions.defaults().clipNorm(),
            plan.seed,
            validateEvery,
            patience,
            checkpointEvery,
            loss);
    BatchPlan batchPlan = BatchPlan.of(all, plan.batchSize, plan.negatives, plan.epochs, plan.seed);
    Map<String, Branch> branches = plan.branches(TeacherScoreCommand.datasets(all));
    if (teacherFree) {
      train(all, batchPlan, branches, null, null, options);
      return 0;
    }
    String teacherIdentity = Teachers.identity(teaching.teacher, teaching.prompts);
    try (TeacherScoreCache scores = TeacherScoreCache.open(teaching.cache)) {
      // The teacher is needed only for what the cache lacks (a complete cache needs only its
      // config):
      // loaded for that alone, and closed before the student loads.
      Map<Branch, List<TextPair>> needed =
          TeacherScoreCommand.pairsByBranch(batchPlan, branches, all);
      if (TeacherScoreCommand.missing(teacherIdentity, scores, needed) > 0) {
        try (Teacher t = Teachers.open(teaching.teacher, teaching.prompts, device.device())) {
          TeacherScoreCommand.fill(t, scores, needed);
        }
      }
      train(all, batchPlan, branches, teacherIdentity, scores, options);
    }
    return 0;
  }

  private void train(
      List<TrainingExample> all,
      BatchPlan batchPlan,
      Map<String, Branch> branches,
      String teacherIdentity,
      TeacherScoreCache scores,
      DistillOptions options) {
    List<Device> devices = device.devices();
    try (Student student = StudentFiles.load(studentDir, devices.get(0));
        Copies copies = new Copies()) {
      Map<String, Parameter> trainable =
          new LinkedHashMap<>(
              biEncoder ? student.biEncoderParameters() : student.trainableParameters());
      TokenStates states;
      PooledVectors pooled = null;
      if (freezePooling) {
        trainable.keySet().removeIf(n -> !n.startsWith("iem."));
        java.util.Set<String> texts = Distiller.inputTexts(student, batchPlan, all, branches);
        TextEncoder source = vectorCache.vectorsOf(student, studentDir);
        try (ProgressBar bar = Bars.of("student vectors", texts.size(), " texts")) {
          pooled = PooledVectors.build(student, source, texts, bar::stepBy);
        }
        states = pooled;
      } else if (freezeBackbone) {
        trainable.keySet().removeIf(Student::isAdapterParameter);
        java.util.Set<String> texts = Distiller.inputTexts(student, batchPlan, all, branches);
        try (ProgressBar bar = Bars.of("backbone states", texts.size(), " texts")) {
          states = CachedTokenStates.build(student, texts, bar::stepBy);
        }
      } else {
        states = new LiveTokenStates(student);
      }
      if (domainGate != null) {
        fitDomainGates(student, pooled == null ? student : pooled, all, branches);
      }
      Distiller distiller =
          new Distiller(
              student,
              all,
              states,
              scores,
              teacherIdentity,
              branches,
              options,
              trainable,
              batchPlan.steps().size());
      distiller.readTeacherAs(new TeacherSignal(teacherLogOdds, fuseCosine));
      // --device gpus: one copy of the student per further GPU, each taking a shard of every batch.
      for (Device other : devices.subList(1, devices.size())) {
        Student copy = copies.add(StudentFiles.load(studentDir, other));
        copies.replicas.add(
            new Replica(
                copy, freezeBackbone || freezePooling ? states : new LiveTokenStates(copy)));
      }
      distiller.spreadOver(copies.replicas);
      try {
        runAndReport(
            distiller,
            student,
            batchPlan,
            options,
            trainable,
            validation(states instanceof TextEncoder cached ? cached : null));
      } finally {
        if (pooled != null) {
          pooled.close();
        }
      }
    }
  }

  /** Refuses a bad --domain-gate before anything is read or embedded. */
  private void requireValidDomainGate() {
    if (domainGate == null) {
      return;
    }
    String problem = null;
    if (domainGate.size() != 2 && domainGate.size() != 4) {
      problem = "takes two or four percentiles QLOW,QHIGH[,PLOW,PHIGH]";
    } else if (!(domainGate.get(0) >= 0
            && domainGate.get(0) < domainGate.get(1)
            && domainGate.get(1) <= 100)
        || domainGate.size() == 4
            && !(domainGate.get(2) >= 0
                && domainGate.get(2) < domainGate.get(3)
                && domainGate.get(3) <= 100)) {
      problem = "needs each pair as 0 <= LOW < HIGH <= 100";
    } else if (StudentFiles.readConfig(studentDir).iem() != IemKind.RESIDUAL) {
      problem =
          "needs a residual student (student init --iem residual); "
              + studentDir
              + " has the paper's IEM";
    }
    if (problem != null) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "--domain-gate " + problem + ", found " + domainGate);
    }
  }

  /** Fits and sets each trained branch's domain gate on its training queries and positives. */
  private void fitDomainGates(
      Student student,
      TextEncoder vectors,
      List<TrainingExample> all,
      Map<String, Branch> branches) {
    for (Branch b : new java.util.TreeSet<>(branches.values())) {
      List<TrainingExample> mine =
          all.stream().filter(e -> branches.get(e.dataset()) == b).toList();
      float[][] q =
          vectors.embed(
              mine.stream().map(TrainingExample::query).distinct().toList(),
              Distiller.queryRole(b));
      DomainGate.Side passages = null;
      if (domainGate.size() == 4) {
        float[][] p =
            vectors.embed(
                mine.stream().map(TrainingExample::positive).distinct().toList(),
                Distiller.passageRole(b));
        passages = DomainGate.Side.fit(p, domainGate.get(2), domainGate.get(3));
      }
      DomainGate gate =
          new DomainGate(DomainGate.Side.fit(q, domainGate.get(0), domainGate.get(1)), passages);
      student.iem().setGate(b, gate);
      System.out.printf(
          Locale.ROOT,
          "domain_gate branch=%s queries=%d query_ramp=%.4f..%.4f passage_ramp=%s%n",
          b.name().toLowerCase(Locale.ROOT),
          q.length,
          gate.query().low(),
          gate.query().high(),
          passages == null
              ? "none"
              : String.format(Locale.ROOT, "%.4f..%.4f", passages.low(), passages.high()));
    }
  }

  private void runAndReport(
      Distiller distiller,
      Student student,
      BatchPlan batchPlan,
      DistillOptions options,
      Map<String, Parameter> trainable,
      ToDoubleFunction<Student> validation) {
    DistillRun run =
        new DistillRun(distiller, student, batchPlan, options, trainable, validation, out);
    double best;
    try (ProgressBar bar = Bars.of("distill", batchPlan.steps().size(), " steps")) {
      best =
          run.run(
              new DistillListener() {
                @Override
                public void step(long step, long total, Map<String, Float> losses) {
                  bar.stepTo(step);
                  bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", losses.get("total")));
                }

                @Override
                public void validated(long step, double score, boolean isBest) {
                  bar.setExtraMessage(
                      String.format(Locale.ROOT, "val %.4f%s", score, isBest ? " *" : ""));
                }
              });
    }
    DistillRun.Selection selection = DistillRun.selection(out);
    if (!selection.improved()) {
      System.out.printf(
          Locale.ROOT,
          "no trained checkpoint beat the starting point on validation (%.4f):"
              + " %s holds the starting student%n",
          selection.start(),
          out.resolve("best"));
    }
    Distiller.Timing t = distiller.timing();
    if (t.steps() > 0) {
      System.out.printf(
          Locale.ROOT,
          "training steps=%d step_seconds=%.1f steps_per_s=%.2f workers=%d"
              + " data_parallel_sync_s=%.2f%n",
          t.steps(),
          t.stepSeconds(),
          t.stepsPerSecond(),
          t.workers(),
          t.syncSeconds());
    }
    System.out.printf(
        Locale.ROOT,
        "student=%s start_validation=%.4f best_validation=%.4f best_step=%d%n",
        out.resolve("best"),
        selection.start(),
        best,
        selection.bestStep());
  }

  /** The data-parallel copies of the student, closed with the run. */
  private static final class Copies implements AutoCloseable {
    final List<Replica> replicas = new java.util.ArrayList<>();
    private final List<Student> students = new java.util.ArrayList<>();

    Student add(Student student) {
      students.add(student);
      return student;
    }

    @Override
    public void close() {
      students.forEach(Student::close);
    }
  }

  /**
   * Validation on --dev. With a frozen backbone the student's vectors come from {@code pooled} (its
   * cached vectors or token states, which take in the dev texts too), so the backbone runs once per
   * text.
   */
  private ToDoubleFunction<Student> validation(TextEncoder pooled) {
    if (dev == null) {
      // Without dev data every validation counts as an improvement: best/ holds the latest student.
      long[] calls = {0};
      return s -> ++calls[0];
    }
    if (java.nio.file.Files.isDirectory(dev)) {
      var retrieval = BeirFiles.read(dev, "dev").firstQueries(devQueries);
      return s ->
          StudentRetrieval.twoStage(s, pooled == null ? s : pooled, retrieval, 100, 0, n -> {})
              .value();
    }
    PairSet set = PairFiles.read(dev);
    return s ->
        set.task() == PairTask.STS
            ? Evaluation.sts(new IemScorer(s, pooled == null ? s : pooled), set, n -> {}).value()
            : Evaluation.pairClassification(
                    new IemScorer(s, pooled == null ? s : pooled), set, n -> {})
                .value();
  }
}
