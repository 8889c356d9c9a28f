package dev.d2llm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.d2llm.data.TrainingExample;
import dev.d2llm.data.TrainingExampleFiles;
import dev.d2llm.teacher.ScoredPair;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code d2llm teacher train} on mined retrieval examples: the pairs it makes of them, and a run
 * from JSONL.
 */
@QuarkusMainTest
class TeacherTrainCommandTest {

  private static final Path BERT =
      Path.of("../src/test/resources/models/tiny-bert").toAbsolutePath().normalize();

  private static final List<TrainingExample> EXAMPLES =
      List.of(
          new TrainingExample(
              "toy",
              "what causes a cold",
              "a virus causes the common cold",
              List.of("bones hold calcium", "the heart pumps blood", "eyes see light")),
          new TrainingExample(
              "toy",
              "what does the heart do",
              "the heart pumps blood",
              List.of("a virus causes the common cold")));

  @Test
  void eachExampleGivesItsPositiveThenItsFirstNegatives() {
    List<ScoredPair> pairs = TeacherTrainCommand.examplePairs(EXAMPLES, 2);

    assertThat(pairs)
        .extracting(p -> p.pair().passage())
        .containsExactly(
            "a virus causes the common cold",
            "bones hold calcium",
            "the heart pumps blood",
            "the heart pumps blood",
            "a virus causes the common cold");
    assertThat(pairs).extracting(ScoredPair::target).containsExactly(1f, 0f, 0f, 1f, 0f);
    assertThat(pairs).extracting(p -> p.pair().query()).startsWith("what causes a cold");
  }

  @Test
  void trainsFromMinedExamplesAndRefusesANegativeCount(
      QuarkusMainLauncher launcher, @TempDir Path dir) {
    LaunchResult bad = train(launcher, dir, "bad", "--negatives", "-1");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.getErrorOutput()).contains("--negatives must be >= 0");

    LaunchResult result = train(launcher, dir, "teacher", "--epochs", "1", "--batch-size", "2");
    assertThat(result.exitCode()).as(result.getErrorOutput()).isZero();
    assertThat(result.getOutput()).contains("epoch=1 dev_spearman=");
    assertThat(dir.resolve("teacher/config.json")).isRegularFile();
  }

  @Test
  void groupsLeaveOutExamplesWithTooFewNegatives() {
    assertThat(TeacherTrainCommand.exampleGroups(EXAMPLES, 1))
        .hasSize(2)
        .allSatisfy(g -> assertThat(g).hasSize(2));
    List<List<ScoredPair>> three = TeacherTrainCommand.exampleGroups(EXAMPLES, 2);
    assertThat(three).hasSize(1);
    assertThat(three.get(0)).extracting(ScoredPair::target).containsExactly(1f, 0f, 0f);
  }

  @Test
  void trainsListwiseFromMinedExamplesOnlyAndSaysHowManyGroups(
      QuarkusMainLauncher launcher, @TempDir Path dir) {
    LaunchResult result =
        train(
            launcher,
            dir,
            "teacher",
            "--objective",
            "listwise",
            "--negatives",
            "1",
            "--epochs",
            "1",
            "--batch-size",
            "2");
    assertThat(result.exitCode()).as(result.getErrorOutput()).isZero();
    assertThat(result.getOutput())
        .contains("groups=2 size=2 dropped_with_fewer_negatives=0", "epoch=1 dev_spearman=");
    assertThat(dir.resolve("teacher/config.json")).isRegularFile();

    LaunchResult zero = train(launcher, dir, "bad", "--objective", "listwise", "--negatives", "0");
    assertThat(zero.exitCode()).isEqualTo(2);
    assertThat(zero.getErrorOutput()).contains("--objective listwise needs mined examples");

    LaunchResult none = train(launcher, dir, "none", "--objective", "listwise", "--negatives", "4");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.getErrorOutput()).contains("no example of", "has 4 negatives");
    assertThat(none.getOutput()).contains("groups=0 size=5 dropped_with_fewer_negatives=2");
  }

  /**
   * {@code teacher train} on {@link #EXAMPLES} (train and dev) into DIR/OUT, with EXTRA options.
   */
  private static LaunchResult train(
      QuarkusMainLauncher launcher, Path dir, String out, String... extra) {
    Path examples = dir.resolve("examples.jsonl");
    TrainingExampleFiles.write(examples, EXAMPLES);
    List<String> args =
        new ArrayList<>(
            List.of(
                "teacher",
                "train",
                "--base",
                BERT.toString(),
                "--train",
                examples.toString(),
                "--dev",
                examples.toString(),
                "--out",
                dir.resolve(out).toString()));
    args.addAll(List.of(extra));
    return launcher.launch(args.toArray(String[]::new));
  }
}
