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

  @Test
  void searchesWithItsTrainedRetrievalBranchAndKeepsTheCosineForUnlikeQueries() {
    Path dir = DefaultStudents.resolve("default");
    assertThat(dir.resolve("domain_gate.json")).exists();
    try (Student student = StudentFiles.load(dir, Device.cpu())) {
      // A medical question like en/medquad's, over passages of the README's demo corpus: the
      // trained branch must keep the health passage first and no finance passage above it.
      float[] p =
          student.relevance(
              "What are the symptoms of diabetes?",
              List.of(
                  "A balanced diet includes vegetables, fruit, whole grains, protein and healthy fats.",
                  "Inflation reduces the purchasing power of money, so the same amount buys less over"
                      + " time.",
                  "Stock prices fell sharply today after the central bank surprised markets with a"
                      + " rate rise."),
              Branch.ASYMMETRIC);
      assertThat(p[0]).isGreaterThan(p[1]).isGreaterThan(0f);
      assertThat(p[0]).isGreaterThan(p[2]);
      float[] q =
          student.relevance(
              "How tall is the highest mountain?",
              List.of(
                  "Mount Everest, on the border of Nepal and China, is the highest mountain above sea"
                      + " level at 8,849 metres.",
                  "Water boils at 100 degrees Celsius at sea level, but at a lower temperature on a"
                      + " high mountain."),
              Branch.ASYMMETRIC);
      assertThat(q[0]).isGreaterThan(q[1]);
    }
  }
}
