package dev.d2llm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.d2llm.student.StudentFiles;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code d2llm student init} then {@code d2llm export}: an untrained student in its merged serving
 * form.
 */
@QuarkusMainTest
class ExportCommandTest {

  private static final Path BERT =
      Path.of("../src/test/resources/models/tiny-bert").toAbsolutePath().normalize();

  @Test
  void exportWritesAMergedStudent(QuarkusMainLauncher launcher, @TempDir Path dir) {
    LaunchResult created =
        launcher.launch(
            "student",
            "init",
            "--base",
            BERT.toString(),
            "--out",
            dir.resolve("student").toString(),
            "--pma-heads",
            "4",
            "--iem-hidden",
            "16");
    assertThat(created.exitCode()).as(created.getErrorOutput()).isZero();
    assertThat(dir.resolve("student/adapter_model.safetensors")).isRegularFile();

    LaunchResult result =
        launcher.launch(
            "export",
            "--student",
            dir.resolve("student").toString(),
            "--out",
            dir.resolve("served").toString());

    assertThat(result.exitCode()).as(result.getErrorOutput()).isZero();
    assertThat(dir.resolve("served/model.safetensors")).isRegularFile();
    assertThat(StudentFiles.readConfig(dir.resolve("served")).lora()).isNull();
  }

  @Test
  void distillRefusesABadDomainGateBeforeAnyWork(QuarkusMainLauncher launcher, @TempDir Path dir) {
    LaunchResult created =
        launcher.launch(
            "student",
            "init",
            "--base",
            BERT.toString(),
            "--out",
            dir.resolve("paper").toString(),
            "--pma-heads",
            "4",
            "--iem-hidden",
            "16",
            "--iem",
            "paper");
    assertThat(created.exitCode()).as(created.getErrorOutput()).isZero();
    // The examples file does not exist: the gate is refused before it would be read.
    String examples = dir.resolve("missing.jsonl").toString();
    LaunchResult reversed =
        launcher.launch(
            "distill",
            "--student",
            dir.resolve("paper").toString(),
            "--examples",
            examples,
            "--out",
            dir.resolve("run").toString(),
            "--gold",
            "--domain-gate",
            "20,5");
    assertThat(reversed.exitCode()).isEqualTo(2);
    assertThat(reversed.getErrorOutput())
        .contains("--domain-gate needs each pair as 0 <= LOW < HIGH <= 100");
    LaunchResult paper =
        launcher.launch(
            "distill",
            "--student",
            dir.resolve("paper").toString(),
            "--examples",
            examples,
            "--out",
            dir.resolve("run").toString(),
            "--gold",
            "--domain-gate",
            "5,20");
    assertThat(paper.exitCode()).isEqualTo(2);
    assertThat(paper.getErrorOutput()).contains("--domain-gate needs a residual student");
    assertThat(dir.resolve("run")).doesNotExist();
  }
}
