package dev.d2llm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.d2llm.store.ObjectStore;
import dev.d2llm.store.ObjectStores;
import dev.d2llm.store.S3MockServer;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code d2llm job}: the shipped tiny spec (docs/jobs/tiny.yaml) validated and run end to end
 * against S3Mock on CPU, then run again, when every step is found done.
 */
@QuarkusMainTest
class JobCommandsTest {

  private static final Path SPEC = Path.of("../docs/jobs/tiny.yaml").toAbsolutePath().normalize();
  private static final Path BERT =
      Path.of("../src/test/resources/models/tiny-bert").toAbsolutePath().normalize();
  private static final Path TOY = Path.of("src/test/resources/pipeline/toy").toAbsolutePath();

  private static S3MockServer s3;

  @BeforeAll
  static void startS3() throws IOException {
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    s3 = S3MockServer.start("d2llm-demo");
    System.setProperty("d2llm.s3.endpoint", s3.endpoint().toString());
    try (ObjectStore bucket = ObjectStores.open("s3://d2llm-demo/", s3.settings());
        Stream<Path> model = Files.walk(BERT)) {
      bucket.put("data/pairs.tsv", TOY.resolve("pairs.tsv"));
      bucket.put("data/corpus.txt", TOY.resolve("corpus.txt"));
      for (Path file : model.filter(Files::isRegularFile).toList()) {
        bucket.put("models/tiny-bert/" + BERT.relativize(file).toString().replace('\\', '/'), file);
      }
    }
  }

  @AfterAll
  static void stopS3() {
    System.clearProperty("d2llm.s3.endpoint");
    s3.close();
  }

  @Test
  void theTinyJobRunsEndToEndInS3AndASecondRunFindsEveryStepDone(
      QuarkusMainLauncher launcher, @TempDir Path work) throws Exception {
    LaunchResult validated = launcher.launch("job", "validate", SPEC.toString());
    assertThat(validated.exitCode()).as(validated.getErrorOutput()).isZero();
    assertThat(last(validated))
        .isEqualTo("job=tiny steps=7 output=s3://d2llm-demo/runs/tiny valid=true");

    LaunchResult ran = launcher.launch("job", "run", SPEC.toString(), "--work", work.toString());
    assertThat(ran.exitCode()).as(ran.getOutput() + ran.getErrorOutput()).isZero();
    try (ObjectStore runs = ObjectStores.open("s3://d2llm-demo/runs/tiny/", s3.settings())) {
      JsonNode report = new ObjectMapper().readTree(runs.readBytes("report/report.json"));
      assertThat(report.get("status").asText()).isEqualTo("succeeded");
      assertThat(report.get("steps")).extracting(s -> s.get("status").asText()).containsOnly("ran");
      assertThat(report.get("steps").get(5).get("metrics").get("spearman").isNumber()).isTrue();
      assertThat(runs.list(""))
          .contains(
              "examples.jsonl",
              "teacher.bin",
              "run/best/d2llm_student.json",
              "report/distill-loss.png",
              "report/distill-metrics.csv",
              "logs/distill.log",
              "index/CURRENT",
              "job-state.json");
    }

    LaunchResult again = launcher.launch("job", "run", SPEC.toString(), "--work", work.toString());
    assertThat(again.exitCode()).as(again.getErrorOutput()).isZero();
    assertThat(again.getOutput().lines().filter(l -> l.endsWith("done in an earlier run, skipped")))
        .hasSize(7);
  }

  @Test
  void aMalformedSpecIsRefusedWithEveryProblem(QuarkusMainLauncher launcher, @TempDir Path dir)
      throws IOException {
    Path bad =
        Files.writeString(
            dir.resolve("bad.yaml"),
            Files.readString(SPEC)
                .replace("run: teacher-train", "run: teacher-trian")
                .replace(
                    "epochs: 2\n      lr: 1e-3\n      dev",
                    "epochs: two\n      lr: 1e-3\n      dev"));
    LaunchResult result = launcher.launch("job", "validate", bad.toString());
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.getErrorOutput())
        .contains("2 problems in the job spec")
        .contains("steps[2] 'teacher': unknown step 'teacher-trian'")
        .contains("steps[5] 'distill' with.epochs: 'two' is not a whole number");
  }

  private static String last(LaunchResult r) {
    List<String> lines = r.getOutput().lines().toList();
    return lines.get(lines.size() - 1);
  }
}
