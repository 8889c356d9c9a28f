package dev.d2llm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.d2llm.student.StudentFiles;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code d2llm student init} then {@code d2llm export}: an untrained student in its merged serving form. */
@QuarkusMainTest
class ExportCommandTest {

  private static final Path BERT = Path.of("../src/test/resources/models/tiny-bert").toAbsolutePath().normalize();

  @Test
  void exportWritesAMergedStudent(QuarkusMainLauncher launcher, @TempDir Path dir) {
    LaunchResult created = launcher.launch("student", "init", "--base", BERT.toString(), "--out",
        dir.resolve("student").toString(), "--pma-heads", "4", "--iem-hidden", "16");
    assertThat(created.exitCode()).as(created.getErrorOutput()).isZero();
    assertThat(dir.resolve("student/adapter_model.safetensors")).isRegularFile();

    LaunchResult result = launcher.launch("export", "--student", dir.resolve("student").toString(), "--out", dir.resolve("served").toString());

    assertThat(result.exitCode()).as(result.getErrorOutput()).isZero();
    assertThat(dir.resolve("served/model.safetensors")).isRegularFile();
    assertThat(StudentFiles.readConfig(dir.resolve("served")).lora()).isNull();
  }
}
