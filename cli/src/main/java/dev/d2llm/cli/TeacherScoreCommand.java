package dev.d2llm.cli;

import ai.djl.Device;
import dev.d2llm.data.TrainingExample;
import dev.d2llm.data.TrainingExampleFiles;
import dev.d2llm.distill.BatchPlan;
import dev.d2llm.student.Branch;
import dev.d2llm.teacher.Teacher;
import dev.d2llm.teacher.TeacherScoreCache;
import dev.d2llm.teacher.Teachers;
import dev.d2llm.teacher.TextPair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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

  @Mixin PlanOptions plan;

  @Option(names = "--threads", description = "CPU threads (default: all cores)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Override
  public Integer call() {
    Engines.configure(threads);
    List<TrainingExample> all = TrainingExampleFiles.read(examples);
    int scored = fill(teaching.teacher, teaching.prompts, all, plan, teaching.cache);
    System.out.printf("scored=%d cache=%s%n", scored, teaching.cache);
    return 0;
  }

  /** Fills the cache for the plan; shared with distill, which scores what is missing first. */
  static int fill(Path teacherDir, String prompts, List<TrainingExample> all, PlanOptions plan, Path cacheFile) {
    BatchPlan p = BatchPlan.of(all, plan.batchSize, plan.negatives, plan.epochs, plan.seed);
    Map<String, Branch> branches = plan.branches(new LinkedHashSet<>(all.stream().map(TrainingExample::dataset).toList()));
    int scored = 0;
    try (Teacher t = Teachers.open(teacherDir, prompts, Device.cpu());
        TeacherScoreCache c = TeacherScoreCache.open(cacheFile)) {
      for (Branch branch : Branch.values()) {
        List<TrainingExample> ofBranch = all.stream().filter(e -> branches.get(e.dataset()) == branch).toList();
        if (ofBranch.isEmpty()) {
          continue;
        }
        List<TextPair> pairs = new ArrayList<>(p.teacherPairs(all));
        java.util.Set<String> queries = new java.util.HashSet<>(ofBranch.stream().map(TrainingExample::query).toList());
        pairs.removeIf(tp -> !queries.contains(tp.query()));
        try (ProgressBar bar = Bars.of("teacher " + branch.name().toLowerCase(java.util.Locale.ROOT), pairs.size(), " pairs")) {
          scored += c.fill(t, branch, pairs, 256, bar::stepBy);
        }
      }
    }
    return scored;
  }
}
