package dev.d2llm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline as a user runs it, on 48 toy pairs and the tiny BERT: mine, teacher, student,
 * distill, eval.
 */
@QuarkusMainTest
class PipelineTest {

  private static final String BERT =
      Path.of("../src/test/resources/models/tiny-bert").toAbsolutePath().normalize().toString();
  private static final String PAIRS =
      Path.of("src/test/resources/pipeline/toy/pairs.tsv").toAbsolutePath().toString();

  @Test
  void mineTeachDistillEvaluateAndResume(QuarkusMainLauncher launcher, @TempDir Path dir)
      throws Exception {
    String examples = dir.resolve("examples.jsonl").toString();
    ok(
        launcher.launch(
            "mine", "--data", PAIRS, "--out", examples, "--k", "4", "--sts-threshold", "4"));
    assertThat(Files.readAllLines(Path.of(examples)))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).contains("\"dataset\":\"toy\""));

    String teacher = dir.resolve("teacher").toString();
    LaunchResult taught =
        ok(
            launcher.launch(
                "teacher",
                "train",
                "--base",
                BERT,
                "--train",
                PAIRS,
                "--dev",
                PAIRS,
                "--out",
                teacher,
                "--epochs",
                "2",
                "--batch-size",
                "8",
                "--lr",
                "1e-3"));
    assertThat(last(taught)).startsWith("teacher=").contains("best_dev_spearman=");

    String student = dir.resolve("student").toString();
    ok(
        launcher.launch(
            "student",
            "init",
            "--base",
            BERT,
            "--out",
            student,
            "--pma-heads",
            "4",
            "--iem-hidden",
            "16"));

    String[] distill = {
      "distill",
      "--student",
      student,
      "--examples",
      examples,
      "--teacher",
      teacher,
      "--cache",
      dir.resolve("teacher.bin").toString(),
      "--out",
      dir.resolve("run").toString(),
      "--freeze-backbone",
      "--batch-size",
      "4",
      "--negatives",
      "2",
      "--epochs",
      "2",
      "--lr",
      "1e-3",
      "--dev",
      PAIRS,
      "--validate-every",
      "2",
      "--checkpoint-every",
      "2",
      "--patience",
      "100"
    };
    LaunchResult distilled = ok(launcher.launch(distill));
    assertThat(last(distilled)).contains("best_validation=");
    assertThat(dir.resolve("run/best/d2llm_student.json")).isRegularFile();
    assertThat(dir.resolve("run/loss.png")).isRegularFile();
    List<String> metrics = Files.readAllLines(dir.resolve("run/metrics.csv"));
    assertThat(metrics.get(0)).startsWith("step,");
    int steps = metrics.size() - 1;
    assertThat(steps).isGreaterThan(2);

    // A rerun finds the finished checkpoint and takes no further step.
    ok(launcher.launch(distill));
    assertThat(Files.readAllLines(dir.resolve("run/metrics.csv"))).hasSize(steps + 1);

    LaunchResult evaluated =
        ok(
            launcher.launch(
                "eval",
                "--model",
                dir.resolve("run/best").toString(),
                "--data",
                PAIRS,
                "--task",
                "sts",
                "--scorer",
                "iem"));
    assertThat(last(evaluated)).matches("spearman=-?\\d+\\.\\d\\d");
  }

  private static LaunchResult ok(LaunchResult r) {
    assertThat(r.exitCode()).as(r.getErrorOutput()).isZero();
    return r;
  }

  private static String last(LaunchResult r) {
    List<String> lines = r.getOutput().lines().toList();
    return lines.get(lines.size() - 1);
  }
}
