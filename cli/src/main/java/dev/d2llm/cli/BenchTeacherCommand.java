package dev.d2llm.cli;

import dev.d2llm.bench.TeacherBenchmark;
import dev.d2llm.store.LocalFiles;
import dev.d2llm.student.Branch;
import dev.d2llm.teacher.CrossEncoderTeacher;
import dev.d2llm.teacher.Teacher;
import dev.d2llm.teacher.Teachers;
import dev.d2llm.teacher.TextPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code d2llm bench teacher}: a teacher's scoring throughput and, for a cross-encoder, its
 * training throughput, on pairs made of two text files; {@code --dump-ids} writes the token ids it
 * ran on so that gpu/bench_teacher.py runs the Python reference on the same rows.
 */
@Command(
    name = "teacher",
    mixinStandardHelpOptions = true,
    description =
        "Pairs line i of --queries with line i of --passages (--count pairs), scores them with the teacher"
            + " at --teacher (median of --repeats passes after a warm-up) and prints pairs/s; with --train-steps it"
            + " also trains a cross-encoder from --teacher for that many steps of --batch pairs and prints pairs/s.")
public class BenchTeacherCommand implements Callable<Integer> {

  @Option(
      names = "--teacher",
      required = true,
      description = "cross-encoder (BERT family) or decoder LLM directory")
  Path teacherDir;

  @Option(
      names = "--queries",
      required = true,
      description = "one text per line: the pairs' first texts")
  Path queries;

  @Option(
      names = "--passages",
      required = true,
      description = "one text per line: the pairs' second texts")
  Path passages;

  @Option(names = "--count", description = "pairs (default: ${DEFAULT-VALUE})")
  int count = 1024;

  @Option(
      names = "--branch",
      description =
          "asym(metric) or sym(metric): an LLM teacher's prompt (default: ${DEFAULT-VALUE})")
  String branch = "asymmetric";

  @Option(
      names = "--prompts",
      description = "an LLM teacher's prompts: en, zh or a JSON file (default: ${DEFAULT-VALUE})")
  String prompts = "en";

  @Option(
      names = "--repeats",
      description = "timed scoring passes; the median counts (default: ${DEFAULT-VALUE})")
  int repeats = 3;

  @Option(
      names = "--train-steps",
      description =
          "training steps to time after --warmup-steps (cross-encoders only;"
              + " 0: scoring only) (default: ${DEFAULT-VALUE})")
  int trainSteps = 0;

  @Option(
      names = "--warmup-steps",
      description = "untimed first training steps (default: ${DEFAULT-VALUE})")
  int warmupSteps = 5;

  @Option(names = "--batch", description = "training batch in pairs (default: ${DEFAULT-VALUE})")
  int batch = 32;

  @Option(names = "--dump-ids", description = "write each pair's token ids here, a line each")
  Path dumpIds;

  @Mixin DeviceOptions device;

  @Override
  public Integer call() throws IOException {
    device.apply();
    Branch b;
    try {
      b = Branch.parse(branch);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(new CommandLine(this), "--branch: " + e.getMessage());
    }
    List<TextPair> pairs =
        pairs(Math.max(count, trainSteps > 0 ? batch * (warmupSteps + trainSteps) : 0));
    List<TextPair> scored = pairs.subList(0, Math.min(count, pairs.size()));
    try (Teacher teacher = Teachers.open(teacherDir, prompts, device.device())) {
      if (trainSteps > 0 && !(teacher instanceof CrossEncoderTeacher)) {
        throw new ParameterException(
            new CommandLine(this),
            "--train-steps needs a cross-encoder teacher; " + teacherDir + " is an LLM");
      }
      if (dumpIds != null) {
        TeacherBenchmark.writeIds(teacher, scored, b, dumpIds);
      }
      TeacherBenchmark.Result s = TeacherBenchmark.scoring(teacher, scored, b, repeats);
      System.out.printf(
          Locale.ROOT,
          "d2llm_teacher_score teacher=%s pairs=%d tokens=%d device=%s median_s=%.3f"
              + " pairs_per_s=%.1f tokens_per_s=%.0f%n",
          teacher.getClass().getSimpleName(),
          s.pairs(),
          s.tokens(),
          device.device(),
          s.seconds(),
          s.pairsPerSecond(),
          s.tokensPerSecond());
      if (trainSteps > 0 && teacher instanceof CrossEncoderTeacher ce) {
        Path scratch = Files.createTempDirectory("d2llm-bench-teacher");
        TeacherBenchmark.Result t;
        try {
          // The epoch's closing save writes a whole teacher here: gone with the run.
          t =
              TeacherBenchmark.training(
                  ce, pairs, batch, warmupSteps + trainSteps, warmupSteps, scratch);
        } finally {
          LocalFiles.deleteTree(scratch);
        }
        System.out.printf(
            Locale.ROOT,
            "d2llm_teacher_train pairs=%d batch=%d tokens=%d device=%s seconds=%.3f"
                + " pairs_per_s=%.1f steps_per_s=%.2f%n",
            t.pairs(),
            batch,
            t.tokens(),
            device.device(),
            t.seconds(),
            t.pairsPerSecond(),
            t.pairsPerSecond() / batch);
      }
    }
    return 0;
  }

  private List<TextPair> pairs(int n) throws IOException {
    List<String> q = lines(queries);
    List<String> p = lines(passages);
    if (q.isEmpty() || p.isEmpty()) {
      throw new ParameterException(
          new CommandLine(this), "--queries and --passages need at least one text each");
    }
    List<TextPair> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new TextPair(q.get(i % q.size()), p.get(i % p.size())));
    }
    return out;
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
        .filter(l -> !l.isBlank())
        .toList();
  }
}
