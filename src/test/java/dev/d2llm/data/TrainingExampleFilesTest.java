package dev.d2llm.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingExampleFilesTest {

  @TempDir Path dir;

  @Test
  void examplesSurviveAWriteReadRoundTrip() {
    List<TrainingExample> examples =
        List.of(
            new TrainingExample(
                "stsb-en",
                "A man plays \"guitar\".",
                "A man is playing a guitar.",
                List.of("A woman plays piano.", "Tabs\tand\nnewlines")),
            new TrainingExample("afqmc", "花呗怎么还款", "花呗如何还钱"));
    Path file = dir.resolve("mined/examples.jsonl");
    TrainingExampleFiles.write(file, examples);
    assertThat(TrainingExampleFiles.read(file)).isEqualTo(examples);
  }

  @Test
  void eachExampleIsOneJsonObjectOnOneLineInFieldOrder() throws IOException {
    Path file = dir.resolve("examples.jsonl");
    TrainingExampleFiles.write(
        file, List.of(new TrainingExample("d", "q", "p", List.of("n1", "n2"))));
    assertThat(Files.readAllLines(file, StandardCharsets.UTF_8))
        .containsExactly(
            "{\"dataset\":\"d\",\"query\":\"q\",\"positive\":\"p\",\"negatives\":[\"n1\",\"n2\"]}");
  }

  @Test
  void chineseIsWrittenAsUtf8NotEscaped() throws IOException {
    Path file = dir.resolve("zh.jsonl");
    TrainingExampleFiles.write(file, List.of(new TrainingExample("afqmc", "花呗", "借呗")));
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains("花呗");
  }

  @Test
  void missingNegativesAreRejectedNamingFileAndLine() throws IOException {
    Path file = dir.resolve("bad.jsonl");
    Files.writeString(
        file,
        "{\"dataset\":\"d\",\"query\":\"q\",\"positive\":\"p\",\"negatives\":[]}\n"
            + "{\"dataset\":\"d\",\"query\":\"q\",\"positive\":\"p\"}\n");
    assertThatThrownBy(() -> TrainingExampleFiles.read(file))
        .isInstanceOf(DataFormatException.class)
        .hasMessage(file + ":2: expected an array of strings 'negatives', found no such field");
  }

  @Test
  void aNegativeEqualToThePositiveIsRejectedNamingTheLine() throws IOException {
    Path file = dir.resolve("bad.jsonl");
    Files.writeString(
        file, "{\"dataset\":\"d\",\"query\":\"q\",\"positive\":\"p\",\"negatives\":[\"p\"]}\n");
    assertThatThrownBy(() -> TrainingExampleFiles.read(file))
        .isInstanceOf(DataFormatException.class)
        .hasMessage(file + ":1: the positive 'p' is also listed as a negative");
  }
}
