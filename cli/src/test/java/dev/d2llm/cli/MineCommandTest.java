package dev.d2llm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code d2llm mine --method}: a closed set of methods, named in any case, each with what it needs.
 */
@QuarkusMainTest
class MineCommandTest {

  private static final String PAIRS =
      Path.of("src/test/resources/pipeline/toy/pairs.tsv").toAbsolutePath().toString();

  @Test
  void refusesAnUnknownMethodAndADenseOneWithoutItsModel(
      QuarkusMainLauncher launcher, @TempDir Path dir) {
    String out = dir.resolve("examples.jsonl").toString();
    LaunchResult unknown =
        launcher.launch("mine", "--data", PAIRS, "--out", out, "--method", "tfidf");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.getErrorOutput()).contains("--method").contains("BM25, DENSE, HYBRID");

    LaunchResult noModel =
        launcher.launch("mine", "--data", PAIRS, "--out", out, "--method", "Hybrid");
    assertThat(noModel.exitCode()).isEqualTo(2);
    assertThat(noModel.getErrorOutput()).contains("--method HYBRID needs --model DIR");

    LaunchResult bm25 =
        launcher.launch(
            "mine",
            "--data",
            PAIRS,
            "--out",
            out,
            "--method",
            "bm25",
            "--k",
            "2",
            "--sts-threshold",
            "4");
    assertThat(bm25.exitCode()).as(bm25.getErrorOutput()).isZero();
    assertThat(bm25.getOutput()).contains("examples=");
  }
}
