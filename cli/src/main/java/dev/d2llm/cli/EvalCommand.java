package dev.d2llm.cli;

import dev.d2llm.backbone.Precision;
import dev.d2llm.data.BeirFiles;
import dev.d2llm.data.PairFiles;
import dev.d2llm.data.PairSet;
import dev.d2llm.embedding.SentenceEncoder;
import dev.d2llm.eval.CosineScorer;
import dev.d2llm.eval.Evaluation;
import dev.d2llm.eval.EvaluationResult;
import dev.d2llm.eval.IemScorer;
import dev.d2llm.eval.PairScorer;
import dev.d2llm.eval.StudentRetrieval;
import dev.d2llm.eval.TeacherScorer;
import dev.d2llm.student.DefaultStudents;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentFiles;
import dev.d2llm.teacher.Teacher;
import dev.d2llm.teacher.Teachers;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code d2llm eval}: a model on a data set, the headline metric last. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description =
        "Evaluates a model: sts (Spearman, Pearson x100), pair and nli (AP, best-threshold accuracy"
            + " x100; NLI drops neutral), ir (nDCG@10, MRR@10, Recall@100 x100 on a BEIR folder). Scorers: iem"
            + " (a student), cosine (a plain model with its native pooling and prefixes, or a student's PMA"
            + " vectors), teacher. The last line is the headline: spearman=, ap= or ndcg@10=.")
public class EvalCommand implements Callable<Integer> {

  @Option(
      names = "--model",
      required = true,
      description = "student, plain model or teacher directory; 'default' is the shipped student")
  String modelReference;

  private Path model;

  @Option(
      names = "--data",
      required = true,
      description = "pair file (sts, pair, nli) or BEIR folder (ir)")
  Path data;

  @Option(names = "--task", required = true, description = "sts, pair, nli or ir")
  String task;

  @Option(names = "--scorer", description = "iem, cosine or teacher (default: ${DEFAULT-VALUE})")
  String scorer = "iem";

  @Option(names = "--prompts", description = "LLM teacher prompts (default: ${DEFAULT-VALUE})")
  String prompts = "en";

  @Option(
      names = "--split",
      description = "ir: the qrels split to judge by, qrels/SPLIT.tsv (default: ${DEFAULT-VALUE})")
  String split = "test";

  @Option(
      names = "--candidates",
      description =
          "ir with the iem scorer (or teacher with --first-stage): cosine candidates re-ranked per query,"
              + " as two-stage search does; 0 scores every passage (exact search) (default: ${DEFAULT-VALUE})")
  int candidates = 100;

  @Option(
      names = "--with-exact",
      description =
          "ir with the iem scorer: also print the exact ranking's exact_ndcg@10 and"
              + " exact_recall@100 (the IEM over every passage), from the same embedded corpus")
  boolean withExact;

  @Option(
      names = "--first-stage",
      description =
          "ir with the teacher scorer: the plain model or student whose cosine"
              + " top --candidates the teacher re-ranks per query (the candidates two-stage search would hand it); without it"
              + " the teacher scores every passage")
  String firstStage;

  @Option(
      names = "--fuse-cosine",
      paramLabel = "W[,W...]",
      split = ",",
      description =
          "with --first-stage: also rank by the teacher fused with the first stage,"
              + " score + W x cosine, for each W (printed as fused_cosW_ndcg@10; the teacher 'distill --fuse-cosine W'"
              + " distils)")
  List<Double> fuseCosine = List.of();

  @Option(
      names = "--max-queries",
      description =
          "ir: judge only the first N judged queries; 0 for all (default: ${DEFAULT-VALUE})")
  int maxQueries = 0;

  @Mixin DeviceOptions device;

  @Mixin VectorCacheOption vectorCache;

  @Override
  public Integer call() throws Exception {
    if (!fuseCosine.isEmpty()
        && (firstStage == null || fuseCosine.stream().anyMatch(w -> !(w >= 0) || w.isInfinite()))) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this),
          "--fuse-cosine needs --first-stage and weights that are finite and >= 0, found "
              + fuseCosine);
    }
    if (firstStage != null && !(scorer.equals("teacher") && task.equals("ir"))) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this),
          "--first-stage applies to --scorer teacher --task ir only, found --scorer "
              + scorer
              + " --task "
              + task);
    }
    device.apply();
    model = DefaultStudents.resolve(modelReference);
    AutoCloseable resource;
    PairScorer s;
    dev.d2llm.embedding.TextEncoder vectors = null;
    switch (scorer) {
      case "iem" -> {
        Student student = StudentFiles.load(model, device.device());
        resource = student;
        vectors = vectorCache.vectorsOf(student, model);
        s = new IemScorer(student, vectors);
      }
      case "cosine" -> {
        if (StudentFiles.isStudent(model)) {
          Student student = StudentFiles.load(model, device.device());
          resource = student;
          vectors = vectorCache.vectorsOf(student, model);
          s = new CosineScorer(vectors);
        } else {
          SentenceEncoder encoder = SentenceEncoder.open(model, device.device(), Precision.FP32);
          resource = encoder;
          s = new CosineScorer(encoder);
        }
      }
      case "teacher" -> {
        Teacher teacher = Teachers.open(model, prompts, device.device());
        resource = teacher;
        s = new TeacherScorer(teacher);
      }
      default -> {
        System.err.println("eval: --scorer must be iem, cosine or teacher, found '" + scorer + "'");
        return 2;
      }
    }
    dev.d2llm.embedding.TextEncoder studentVectors = vectors;
    try (resource) {
      EvaluationResult r =
          switch (task) {
            case "sts" -> withBar(PairFiles.read(data), set -> Evaluation.sts(s, set, n -> {}));
            case "pair", "nli" ->
                withBar(
                    PairFiles.read(data), set -> Evaluation.pairClassification(s, set, n -> {}));
            case "ir" -> {
              var set = BeirFiles.read(data, split);
              if (candidates < 0) {
                throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this),
                    "--candidates must be 0 (exact) or a positive count, found " + candidates);
              }
              if (resource instanceof Student student && scorer.equals("iem")) {
                int queries =
                    maxQueries > 0
                        ? Math.min(maxQueries, set.judgedQueries().size())
                        : set.judgedQueries().size();
                int c = candidates > 0 ? candidates : set.corpus().size();
                try (ProgressBar bar =
                    Bars.of("passages, then queries", set.corpus().size() + queries, "")) {
                  yield StudentRetrieval.twoStage(
                      student, studentVectors, set, c, maxQueries, withExact, bar::stepBy);
                }
              }
              if (firstStage != null && scorer.equals("teacher")) {
                yield rerankedByTeacher(s, set);
              }
              try (ProgressBar bar = Bars.of("queries", set.judgedQueries().size(), " queries")) {
                yield Evaluation.retrieval(
                    s, maxQueries > 0 ? set.firstQueries(maxQueries) : set, bar::stepBy);
              }
            }
            default ->
                throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this),
                    "--task must be sts, pair, nli or ir, found '" + task + "'");
          };
      System.out.println(r.lines());
    } finally {
      VectorCacheOption.closeIfCache(studentVectors);
    }
    return 0;
  }

  /**
   * The teacher over the first stage's cosine candidates: {@code --first-stage} is a student or a
   * plain model.
   */
  private EvaluationResult rerankedByTeacher(PairScorer teacher, dev.d2llm.data.RetrievalSet set) {
    if (candidates < 1) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this),
          "--first-stage needs --candidates >= 1, found " + candidates);
    }
    Path stage = DefaultStudents.resolve(firstStage);
    int queries =
        maxQueries > 0
            ? Math.min(maxQueries, set.judgedQueries().size())
            : set.judgedQueries().size();
    try (dev.d2llm.embedding.TextEncoder encoder =
            StudentFiles.isStudent(stage)
                ? StudentFiles.load(stage, device.device())
                : SentenceEncoder.open(stage, device.device(), Precision.FP32);
        ProgressBar bar = Bars.of("passages, then queries", set.corpus().size() + queries, "")) {
      return dev.d2llm.eval.CandidateReranking.evaluate(
          encoder,
          teacher,
          set,
          candidates,
          maxQueries,
          fuseCosine.stream().mapToDouble(Double::doubleValue).toArray(),
          bar::stepBy);
    }
  }

  private static EvaluationResult withBar(
      PairSet set, java.util.function.Function<PairSet, EvaluationResult> f) {
    return f.apply(set);
  }
}
