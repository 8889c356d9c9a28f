package dev.d2llm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code d2llm eval}: options that do not fit the scorer are refused before any model loads. */
@QuarkusMainTest
class EvalCommandTest {

  private static final Path BERT =
      Path.of("../src/test/resources/models/tiny-bert").toAbsolutePath().normalize();

  @Test
  void aFirstStageIsRefusedForAnyScorerButTheTeachersOnRetrieval(QuarkusMainLauncher launcher) {
    LaunchResult cosine =
        eval(launcher, "cosine", "ir", "missing-folder", "--first-stage", BERT.toString());
    assertThat(cosine.exitCode()).isEqualTo(2);
    assertThat(cosine.getErrorOutput())
        .contains("--first-stage applies to --scorer teacher --task ir only");

    LaunchResult sts =
        eval(launcher, "teacher", "sts", "missing.tsv", "--first-stage", BERT.toString());
    assertThat(sts.exitCode()).isEqualTo(2);
    assertThat(sts.getErrorOutput()).contains("found --scorer teacher --task sts");
  }

  @Test
  void fusionWeightsAreRefusedWithoutAFirstStageOrWhenNegative(QuarkusMainLauncher launcher) {
    LaunchResult alone = eval(launcher, "teacher", "ir", "missing-folder", "--fuse-cosine", "1");
    assertThat(alone.exitCode()).isEqualTo(2);
    assertThat(alone.getErrorOutput()).contains("--fuse-cosine needs --first-stage");

    LaunchResult negative =
        eval(
            launcher,
            "teacher",
            "ir",
            "missing-folder",
            "--first-stage",
            BERT.toString(),
            "--fuse-cosine",
            "0.5,-1");
    assertThat(negative.exitCode()).isEqualTo(2);
    assertThat(negative.getErrorOutput()).contains("finite and >= 0, found [0.5, -1.0]");
  }

  /**
   * {@code eval} of the tiny BERT with {@code scorer} and {@code task} on {@code data}, plus extra.
   */
  private static LaunchResult eval(
      QuarkusMainLauncher launcher, String scorer, String task, String data, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "eval",
                "--model",
                BERT.toString(),
                "--scorer",
                scorer,
                "--task",
                task,
                "--data",
                data));
    args.addAll(List.of(extra));
    return launcher.launch(args.toArray(String[]::new));
  }
}
