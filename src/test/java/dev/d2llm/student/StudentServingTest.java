package dev.d2llm.student;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import dev.d2llm.embedding.TextRole;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A student frozen for serving encodes and scores as it did before, short texts and long. */
class StudentServingTest {

  private static final Path BERT = Path.of("test/resources/models/tiny-bert").toAbsolutePath();

  @Test
  void freezingForServingKeepsVectorsAndScores() {
    List<String> texts =
        List.of(
            "cat",
            "where does the cat sleep",
            "a much longer passage about the market by the river where the train stops every morning and the bakers"
                + " sell their bread to everyone who passes by on the way to the city");
    try (Student student =
        Student.create(BERT, new StudentConfig(BERT.toString(), null, 4, 16), Device.cpu(), 3)) {
      float[][] before = embedOneByOne(student, texts);
      float[] relevanceBefore = student.relevance(texts.get(1), texts, Branch.SYMMETRIC);

      int frozen = student.freezeForServing();
      float[][] after = embedOneByOne(student, texts);

      // every backbone, PMA and IEM projection: tiny-bert has 2 layers of 6
      assertThat(frozen).isEqualTo(2 * 6 + 4 + 4);
      for (int i = 0; i < texts.size(); i++) {
        for (int j = 0; j < before[i].length; j++) {
          assertThat(after[i][j]).isCloseTo(before[i][j], within(1e-5f));
        }
      }
      float[] relevanceAfter = student.relevance(texts.get(1), texts, Branch.SYMMETRIC);
      for (int i = 0; i < texts.size(); i++) {
        assertThat(relevanceAfter[i]).isCloseTo(relevanceBefore[i], within(1e-5f));
      }
    }
  }

  private static float[][] embedOneByOne(Student student, List<String> texts) {
    float[][] out = new float[texts.size()][];
    for (int i = 0; i < texts.size(); i++) {
      out[i] = student.embed(List.of(texts.get(i)), TextRole.QUERY)[0];
    }
    return out;
  }
}
