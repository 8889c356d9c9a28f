package dev.d2llm.student;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shipped English student: small, on the bundled bge-small-en-v1.5 (pulled from the build's
 * local Maven repository, no network), and it ranks a paraphrase above unrelated sentences.
 */
class DefaultStudentTest {

  @Test
  void unpacksAsAPortableStudentOfAFewMegabytes() throws java.io.IOException {
    Path dir = DefaultStudents.resolve("default");
    StudentConfig config = StudentFiles.readConfig(dir);
    assertThat(config.baseModel()).isEqualTo("bundled:bge-small-en-v1.5");
    assertThat(config.lora()).isNull();
    long bytes =
        Files.size(dir.resolve("pma.safetensors")) + Files.size(dir.resolve("iem.safetensors"));
    assertThat(bytes).isBetween(1_000_000L, 10_000_000L);
  }

  @Test
  void ranksAParaphraseAboveUnrelatedSentences() {
    try (Student student = StudentFiles.load(DefaultStudents.resolve("default"), Device.cpu())) {
      float[] p =
          student.relevance(
              "A man is playing a guitar.",
              List.of(
                  "Someone is playing an instrument.",
                  "The stock market fell sharply today.",
                  "A woman is slicing an onion."),
              Branch.SYMMETRIC);
      assertThat(p[0]).isGreaterThan(p[1]).isGreaterThan(0f);
      assertThat(p[0]).isGreaterThan(p[2]);
    }
  }
}
