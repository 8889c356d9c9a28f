package dev.d2llm.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.d2llm.store.ObjectStore;
import dev.d2llm.store.ObjectStores;
import dev.d2llm.store.S3MockServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job runs its steps in order, records each, and a re-run after a crash resumes at the first
 * unfinished step.
 */
class JobRunnerTest {

  @TempDir Path dir;

  private final List<String> ran = new ArrayList<>();
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private String crashAt;
  private Object minedFile;
  private Object trainFile;

  private static final String SPEC =
      """
      name: toy
      output: %s
      steps:
        - name: examples
          run: mine
          with:
            data: ["%s"]
            out: ${output}/examples.jsonl
        - name: teacher
          run: train
          with:
            train: ${output}/examples.jsonl
            out: ${output}/teacher
            lr: %s
        - name: score
          run: eval
          with:
            model: ${output}/teacher
            data: ${output}/examples.jsonl
            task: sts
      """;

  @BeforeEach
  void data() throws IOException {
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    Files.writeString(dir.resolve("pairs.tsv"), "a\tb\t1\n");
  }

  /** Stands in for the CLI: each kind writes what it declares and prints its figures last. */
  private int execute(List<String> commandLine) {
    String kind = commandLine.get(0);
    ran.add(kind);
    if (kind.equals(crashAt)) {
      throw new IllegalStateException("killed");
    }
    try {
      switch (kind) {
        case "mine" -> {
          Path in = Path.of(value(commandLine, "--data"));
          Path out = Path.of(value(commandLine, "--out"));
          Files.writeString(out, "{\"from\":\"" + Files.readString(in).strip() + "\"}\n");
          minedFile = Files.readAttributes(out, BasicFileAttributes.class).fileKey();
          System.out.println("examples=1");
        }
        case "teacher" -> {
          Path out = Path.of(value(commandLine, "--out"));
          Path train = Path.of(value(commandLine, "--train"));
          trainFile = Files.readAttributes(train, BasicFileAttributes.class).fileKey();
          Files.writeString(out.resolve("weights.bin"), Files.readString(train));
          Files.writeString(out.resolve("loss.png"), "png");
          System.out.println("teacher=" + out + " best_dev_spearman=87.10");
        }
        case "eval" -> {
          assertThat(Path.of(value(commandLine, "--model")).resolve("weights.bin")).isRegularFile();
          System.out.println("progress...");
          System.out.println("spearman=71.35");
        }
        default -> throw new AssertionError(kind);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return 0;
  }

  private static String value(List<String> commandLine, String option) {
    return commandLine.get(commandLine.indexOf(option) + 1);
  }

  private JobReport run(String output, String inputs, String lr, Places places) {
    JobSpec spec =
        JobSpecReader.read(SPEC.formatted(output, inputs, lr), dir.resolve("job.yaml").toString());
    JobPlan plan = new JobPlanner(new ToyCatalog(), places::exists).plan(spec, dir, null);
    return new JobRunner(
            places,
            this::execute,
            dir.resolve("work"),
            new PrintStream(console, true, StandardCharsets.UTF_8))
        .run(plan);
  }

  @Test
  void stepsRunInOrderAndTheReportHoldsTheirFigures() throws Exception {
    JobReport report;
    try (Places places = new Places(null)) {
      report =
          run(dir.resolve("out").toString(), dir.resolve("pairs.tsv").toString(), "0.001", places);
    }
    assertThat(ran).containsExactly("mine", "teacher", "eval");
    assertThat(report.succeeded()).isTrue();
    assertThat(report.metrics("score")).containsEntry("spearman", 71.35);
    assertThat(dir.resolve("out/teacher/weights.bin")).hasContent("{\"from\":\"a\tb\t1\"}\n");
    JsonNode json = new ObjectMapper().readTree(dir.resolve("out/report/report.json").toFile());
    assertThat(json.get("status").asText()).isEqualTo("succeeded");
    assertThat(json.get("steps").get(1).get("metrics").get("best_dev_spearman").asDouble())
        .isEqualTo(87.10);
    assertThat(json.get("steps").get(1).get("plots").get(0).asText())
        .isEqualTo("report/teacher-loss.png");
    assertThat(dir.resolve("out/report/teacher-loss.png")).hasContent("png");
    assertThat(dir.resolve("out/logs/score.log"))
        .content()
        .contains("$ d2llm eval --model")
        .contains("spearman=71.35");
    assertThat(dir.resolve("out/" + JobState.KEY)).isRegularFile();
  }

  @Test
  void aCrashedJobResumesAtTheStepThatDidNotFinish() throws Exception {
    String out = dir.resolve("out").toString();
    String in = dir.resolve("pairs.tsv").toString();
    try (Places places = new Places(null)) {
      crashAt = "teacher";
      assertThatThrownBy(() -> run(out, in, "0.001", places))
          .isInstanceOf(JobFailedException.class)
          .hasMessageContaining("failed at step 'teacher'")
          .hasMessageContaining("run it again to resume there");
      assertThat(ran).containsExactly("mine", "teacher");
      JsonNode failed = new ObjectMapper().readTree(dir.resolve("out/report/report.json").toFile());
      assertThat(failed.get("status").asText()).isEqualTo("failed");
      assertThat(failed.get("steps").get(2).get("status").asText()).isEqualTo("not-run");

      ran.clear();
      crashAt = null;
      JobReport resumed = run(out, in, "0.001", places);
      assertThat(ran).containsExactly("teacher", "eval");
      assertThat(resumed.status("examples")).isEqualTo("resumed");
      assertThat(resumed.status("teacher")).isEqualTo("ran");

      ran.clear();
      assertThat(run(out, in, "0.001", places).succeeded()).isTrue();
      assertThat(ran).as("a finished job has nothing left to do").isEmpty();
    }
    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains("step 1/3 examples (mine): done in an earlier run, skipped");
  }

  @Test
  void aChangedStepRunsAgainWithEveryStepAfterIt() {
    String out = dir.resolve("out").toString();
    String in = dir.resolve("pairs.tsv").toString();
    try (Places places = new Places(null)) {
      run(out, in, "0.001", places);
      ran.clear();
      run(out, in, "0.002", places);
      assertThat(ran).containsExactly("teacher", "eval");
    }
  }

  @Test
  void afterAChangedStepFailsDownstreamTheNextRunDoesNotTrustTheOldRecordsAfterIt() {
    String out = dir.resolve("out").toString();
    String in = dir.resolve("pairs.tsv").toString();
    try (Places places = new Places(null)) {
      run(out, in, "0.001", places);
      crashAt = "eval";
      assertThatThrownBy(() -> run(out, in, "0.002", places))
          .isInstanceOf(JobFailedException.class);
      crashAt = null;
      ran.clear();
      run(out, in, "0.002", places);
      assertThat(ran).as("eval's record came from the old teacher").containsExactly("eval");
    }
  }

  @Test
  void aStepWhoseOutputsWereRemovedRunsAgain() throws IOException {
    String out = dir.resolve("out").toString();
    String in = dir.resolve("pairs.tsv").toString();
    try (Places places = new Places(null)) {
      run(out, in, "0.001", places);
      Files.delete(dir.resolve("out/examples.jsonl"));
      ran.clear();
      run(out, in, "0.001", places);
      assertThat(ran).containsExactly("mine", "teacher", "eval");
    }
  }

  @Test
  void inputsAndOutputsInS3AreStagedThroughTheWorkDirectory() throws Exception {
    try (S3MockServer s3 = S3MockServer.start("jobs");
        ObjectStore bucket = ObjectStores.open("s3://jobs/", s3.settings());
        Places places = new Places(s3.settings())) {
      bucket.put("data/pairs.tsv", dir.resolve("pairs.tsv"));
      JobReport report = run("s3://jobs/runs/toy/", "s3://jobs/data/pairs.tsv", "0.001", places);
      assertThat(report.succeeded()).isTrue();
      assertThat(trainFile)
          .as("a later step reads the staged copy an earlier step wrote, not a new download")
          .isNotNull()
          .isEqualTo(minedFile);
      assertThat(bucket.list("runs/toy/"))
          .contains(
              "runs/toy/examples.jsonl",
              "runs/toy/teacher/weights.bin",
              "runs/toy/teacher/loss.png",
              "runs/toy/job-state.json",
              "runs/toy/logs/score.log",
              "runs/toy/report/report.json",
              "runs/toy/report/teacher-loss.png");
      assertThat(
              new String(bucket.readBytes("runs/toy/teacher/weights.bin"), StandardCharsets.UTF_8))
          .isEqualTo("{\"from\":\"a\tb\t1\"}\n");

      // A new machine (an empty work directory) resumes from what the bucket holds.
      ran.clear();
      bucket.delete("runs/toy/report/report.json");
      run("s3://jobs/runs/toy/", "s3://jobs/data/pairs.tsv", "0.001", places);
      assertThat(ran).isEmpty();
      assertThat(bucket.exists("runs/toy/report/report.json")).isTrue();
    }
  }

  @Test
  void aChangedStepStartsFromCleanStagedOutputsWhileAnInterruptedOneKeepsThem() throws Exception {
    try (S3MockServer s3 = S3MockServer.start("jobs");
        ObjectStore bucket = ObjectStores.open("s3://jobs/", s3.settings());
        Places places = new Places(s3.settings())) {
      bucket.put("data/pairs.tsv", dir.resolve("pairs.tsv"));
      Path staged = dir.resolve("work/stage/jobs/runs/toy/teacher");
      crashAt = "teacher";
      assertThatThrownBy(
          () -> run("s3://jobs/runs/toy/", "s3://jobs/data/pairs.tsv", "0.001", places));
      Files.writeString(staged.resolve("checkpoint.bin"), "partial");
      crashAt = null;
      run("s3://jobs/runs/toy/", "s3://jobs/data/pairs.tsv", "0.001", places);
      assertThat(bucket.exists("runs/toy/teacher/checkpoint.bin"))
          .as("same options: the interrupted run's files stay")
          .isTrue();

      run("s3://jobs/runs/toy/", "s3://jobs/data/pairs.tsv", "0.002", places);
      assertThat(bucket.exists("runs/toy/teacher/checkpoint.bin"))
          .as("changed options: a clean start")
          .isFalse();
      assertThat(bucket.exists("runs/toy/teacher/weights.bin")).isTrue();
    }
  }

  @Test
  void aJobRefusesAnOutputLocationHoldingAnotherJobsState() throws IOException {
    String out = dir.resolve("out").toString();
    try (Places places = new Places(null)) {
      run(out, dir.resolve("pairs.tsv").toString(), "0.001", places);
      Path state = dir.resolve("out/" + JobState.KEY);
      Files.writeString(
          state, Files.readString(state).replace("\"job\" : \"toy\"", "\"job\" : \"other\""));
      assertThatThrownBy(() -> run(out, dir.resolve("pairs.tsv").toString(), "0.001", places))
          .hasMessageContaining("holds the state of job 'other', not 'toy'");
    }
  }
}
