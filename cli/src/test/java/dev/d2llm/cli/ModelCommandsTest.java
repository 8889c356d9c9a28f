package dev.d2llm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model commands as a user runs them, on the committed tiny fixtures. */
@QuarkusMainTest
class ModelCommandsTest {

  private static final String FIXTURES = "../src/test/resources/models/";

  @Test
  @Launch({"--help"})
  void helpListsEveryCommand(LaunchResult result) {
    assertThat(result.getOutput()).contains("model", "embed", "bench");
  }

  @Test
  void verifyPrintsMaxAbsDiffLastAndPassesOnTheTinyDecoder(QuarkusMainLauncher launcher) {
    LaunchResult result = launcher.launch("model", "verify", FIXTURES + "tiny-qwen2");

    assertThat(result.exitCode()).isZero();
    List<String> lines = result.getOutput().lines().toList();
    assertThat(lines.get(lines.size() - 1)).matches("max_abs_diff=\\d\\.\\d{3}e[-+]\\d+");
  }

  @Test
  void verifyRefusesADirectoryWithNothingToCompare(
      QuarkusMainLauncher launcher, @TempDir Path empty) {
    LaunchResult result = launcher.launch("model", "verify", empty.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.getErrorOutput())
        .contains("neither reference.safetensors nor onnx/model.onnx");
  }

  @Test
  void importOnnxThenEmbedGivesOneVectorPerText(QuarkusMainLauncher launcher, @TempDir Path out)
      throws Exception {
    LaunchResult imported =
        launcher.launch(
            "model",
            "import-onnx",
            FIXTURES + "tiny-bert/onnx/model.onnx",
            "--tokenizer",
            FIXTURES + "tiny-bert/tokenizer.json",
            "--out",
            out.toString(),
            "--pooling",
            "cls",
            "--normalize");
    assertThat(imported.exitCode()).as(imported.getErrorOutput()).isZero();
    assertThat(Files.readString(out.resolve("1_Pooling/config.json")))
        .contains("\"pooling_mode_cls_token\" : true");

    LaunchResult embedded =
        launcher.launch("embed", "--model", out.toString(), "hello world", "a second text");

    assertThat(embedded.exitCode()).as(embedded.getErrorOutput()).isZero();
    assertThat(embedded.getOutput().lines())
        .hasSize(2)
        .allSatisfy(l -> assertThat(l).startsWith("{\"text\":"));
  }
}
