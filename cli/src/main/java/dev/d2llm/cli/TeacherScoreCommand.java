package dev.d2llm.cli;

import dev.d2llm.data.TrainingExample;
import dev.d2llm.data.TrainingExampleFiles;
import dev.d2llm.distill.BatchPlan;
import dev.d2llm.student.Branch;
import dev.d2llm.teacher.Teacher;
import dev.d2llm.teacher.TeacherScoreCache;
import dev.d2llm.teacher.Teachers;
import dev.d2llm.teacher.TextPair;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code d2llm teacher score}: every teacher judgement a distillation plan needs, into a
 * content-keyed cache.
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description =
        "Scores every pair the losses need for the plan (query-positive, query-hard negative,"
            + " in-batch query-positive) with the teacher, into a cache keyed by content. Resumable: pairs"
            + " already cached are skipped, so rerun it after a crash.")
public class TeacherScoreCommand implements Callable<Integer> {

  @Option(names = "--examples", required = true, description = "mined training examples (JSONL)")
  Path examples;

  @Mixin TeacherOptions teaching;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin PlanOptions plan;

  @Mixin DeviceOptions device;

  @Override
  public Integer call() {
    device.apply();
    teaching.require(spec);
    List<TrainingExample> all = TrainingExampleFiles.read(examples);
    BatchPlan p = BatchPlan.of(all, plan.batchSize, plan.negatives, plan.epochs, plan.seed);
    int scored;
    long start = System.nanoTime();
    List<Teacher> teachers = new java.util.ArrayList<>();
    try (TeacherScoreCache c = TeacherScoreCache.open(teaching.cache)) {
      // --device gpus (or a list): one copy of the teacher a device, the pairs shared out between
      // them.
      for (ai.djl.Device d : device.devices()) {
        teachers.add(Teachers.open(teaching.teacher, teaching.prompts, d));
      }
      scored = fill(teachers, c, pairsByBranch(p, plan.branches(datasets(all)), all));
    } finally {
      teachers.forEach(Teacher::close);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        java.util.Locale.ROOT,
        "scored=%d cache=%s devices=%d seconds=%.1f pairs_per_s=%.1f%n",
        scored,
        teaching.cache,
        teachers.size(),
        seconds,
        scored / seconds);
    return 0;
  }

  static Set<String> datasets(List<TrainingExample> all) {
    return new LinkedHashSet<>(all.stream().map(TrainingExample::dataset).toList());
  }

  /**
   * The pairs the plan needs the teacher's judgement of, by the branch their query's data set
   * trains.
   */
  static Map<Branch, List<TextPair>> pairsByBranch(
      BatchPlan plan, Map<String, Branch> branches, List<TrainingExample> all) {
    List<TextPair> needed = List.copyOf(plan.teacherPairs(all));
    Map<Branch, List<TextPair>> out = new EnumMap<>(Branch.class);
    for (Branch branch : Branch.values()) {
      Set<String> queries = new HashSet<>();
      all.stream()
          .filter(e -> branches.get(e.dataset()) == branch)
          .forEach(e -> queries.add(e.query()));
      if (!queries.isEmpty()) {
        out.put(branch, needed.stream().filter(tp -> queries.contains(tp.query())).toList());
      }
    }
    return out;
  }

  /** How many of {@code pairs} the cache lacks for the teacher of {@code identity}. */
  static int missing(String identity, TeacherScoreCache cache, Map<Branch, List<TextPair>> pairs) {
    return pairs.entrySet().stream()
        .mapToInt(e -> cache.missing(identity, e.getKey(), e.getValue()))
        .sum();
  }

  /** Scores what the cache lacks of {@code pairs}, branch by branch; shared with distill. */
  static int fill(Teacher teacher, TeacherScoreCache cache, Map<Branch, List<TextPair>> pairs) {
    return fill(List.of(teacher), cache, pairs);
  }

  /** The same with copies of the teacher on several devices, sharing the pairs out. */
  static int fill(
      List<Teacher> teachers, TeacherScoreCache cache, Map<Branch, List<TextPair>> pairs) {
    int scored = 0;
    for (Map.Entry<Branch, List<TextPair>> e : pairs.entrySet()) {
      String name = "teacher " + e.getKey().name().toLowerCase(Locale.ROOT);
      try (ProgressBar bar = Bars.of(name, e.getValue().size(), " pairs")) {
        scored +=
            cache.fill(
                teachers, e.getKey(), e.getValue(), teachers.get(0).pairsPerCall(), bar::stepBy);
      }
    }
    return scored;
  }
}
