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
 * A user indexes a corpus with a fresh tiny student, inspects the index and searches it from the
 * command line.
 */
@QuarkusMainTest
class IndexCommandsTest {

  private static final String BERT =
      Path.of("../src/test/resources/models/tiny-bert").toAbsolutePath().normalize().toString();

  @Test
  void buildInspectAndSearchAFileIndex(QuarkusMainLauncher launcher, @TempDir Path dir)
      throws Exception {
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
    Path corpus = dir.resolve("corpus.txt");
    Files.write(
        corpus,
        List.of(
            "the cat sleeps on the mat",
            "",
            "stocks fell sharply today",
            "a guitar has six strings"));
    String uri = dir.resolve("index").toUri().toString();

    LaunchResult built =
        ok(
            launcher.launch(
                "index",
                "build",
                "--model",
                student,
                "--corpus",
                corpus.toString(),
                "--out",
                uri,
                "--vectors",
                "int8"));
    assertThat(built.getOutput()).contains("count=3").contains("vectors=int8");

    LaunchResult info = ok(launcher.launch("index", "info", uri));
    assertThat(info.getOutput())
        .contains("\"count\" : 3")
        .contains("\"vectorEncoding\" : \"int8\"");

    String copy = dir.resolve("copy").toUri().toString();
    assertThat(ok(launcher.launch("index", "copy", uri, copy)).getOutput())
        .contains("index=" + copy);

    LaunchResult found =
        ok(launcher.launch("search", "--index", copy, "--query", "cat", "--top-k", "2"));
    List<String> lines = found.getOutputStream();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith(" 1. ");
    assertThat(lines.get(2)).startsWith("mode=two-stage");
    // Ids of a text corpus are line numbers: the blank line 2 keeps its number.
    assertThat(String.join("\n", lines)).containsAnyOf(" 1  the cat", " 3  stocks", " 4  a guitar");
  }

  @Test
  void searchingWhereNoIndexIsSaysHowToBuildOne(QuarkusMainLauncher launcher, @TempDir Path dir) {
    LaunchResult r = launcher.launch("search", "--index", dir.toUri().toString(), "--query", "q");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.getErrorOutput()).contains("CURRENT is missing").contains("d2llm index build");
  }

  @Test
  void badOptionsAreRefusedBeforeAnythingLoads(QuarkusMainLauncher launcher, @TempDir Path dir) {
    LaunchResult mode =
        launcher.launch(
            "search", "--index", dir.toUri().toString(), "--query", "q", "--mode", "fast");
    assertThat(mode.exitCode()).isEqualTo(1);
    assertThat(mode.getErrorOutput()).contains("search mode 'fast' is not one of exact, two-stage");

    LaunchResult encoding =
        launcher.launch(
            "index",
            "build",
            "--corpus",
            dir.resolve("none.txt").toString(),
            "--out",
            dir.toUri().toString(),
            "--vectors",
            "int4");
    assertThat(encoding.exitCode()).isEqualTo(1);
    assertThat(encoding.getErrorOutput())
        .contains("encoding 'int4' is not one of fp32, fp16, int8");
  }

  private static LaunchResult ok(LaunchResult r) {
    assertThat(r.exitCode()).as(r.getErrorOutput()).isZero();
    return r;
  }
}
