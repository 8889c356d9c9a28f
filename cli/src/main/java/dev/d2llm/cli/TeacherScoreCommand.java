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

/** {@code d2llm teacher score}: every teacher judgement a distillation plan needs, into a content-keyed cache. */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = "Scores every pair the losses need for the plan (query-positive, query-hard negative,"
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
    try (Teacher t = Teachers.open(teaching.teacher, teaching.prompts, device.device());
        TeacherScoreCache c = TeacherScoreCache.open(teaching.cache)) {
      scored = fill(t, c, p, plan.branches(datasets(all)), all);
    }
    System.out.printf("scored=%d cache=%s%n", scored, teaching.cache);
    return 0;
  }

  static Set<String> datasets(List<TrainingExample> all) {
    return new LinkedHashSet<>(all.stream().map(TrainingExample::dataset).toList());
  }

  /** How many pairs the plan needs that the cache lacks for the teacher of {@code identity}. */
  static int missing(String identity, TeacherScoreCache cache, BatchPlan plan, Map<String, Branch> branches,
      List<TrainingExample> all) {
    List<TextPair> needed = List.copyOf(plan.teacherPairs(all));
    int missing = 0;
    for (Branch branch : Branch.values()) {
      Set<String> queries = new HashSet<>();
      all.stream().filter(e -> branches.get(e.dataset()) == branch).forEach(e -> queries.add(e.query()));
      if (!queries.isEmpty()) {
        missing += cache.missing(identity, branch, needed.stream().filter(tp -> queries.contains(tp.query())).toList());
      }
    }
    return missing;
  }

  /** Scores what the cache lacks for the plan, branch by branch; shared with distill. */
  static int fill(Teacher teacher, TeacherScoreCache cache, BatchPlan plan, Map<String, Branch> branches,
      List<TrainingExample> all) {
    List<TextPair> needed = List.copyOf(plan.teacherPairs(all));
    int scored = 0;
    for (Branch branch : Branch.values()) {
      Set<String> queries = new HashSet<>();
      all.stream().filter(e -> branches.get(e.dataset()) == branch).forEach(e -> queries.add(e.query()));
      if (queries.isEmpty()) {
        continue;
      }
      List<TextPair> pairs = needed.stream().filter(tp -> queries.contains(tp.query())).toList();
      try (ProgressBar bar = Bars.of("teacher " + branch.name().toLowerCase(Locale.ROOT), pairs.size(), " pairs")) {
        scored += cache.fill(teacher, branch, pairs, 256, bar::stepBy);
      }
    }
    return scored;
  }
}
