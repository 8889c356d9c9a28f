package dev.d2llm.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingExampleTest {

  @Test
  void repeatedNegativesAreRejected() {
    assertThatThrownBy(() -> new TrainingExample("d", "q", "p", List.of("n", "n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("negative 'n' is listed twice");
  }

  @Test
  void blankQueryIsRejected() {
    assertThatThrownBy(() -> new TrainingExample("d", " ", "p"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void negativesAreCopiedNotShared() {
    List<String> negatives = new ArrayList<>(List.of("n"));
    TrainingExample e = new TrainingExample("d", "q", "p", negatives);
    negatives.add("m");
    assertThat(e.negatives()).containsExactly("n");
  }

  @Test
  void withNegativesKeepsEverythingElse() {
    TrainingExample e = new TrainingExample("d", "q", "p").withNegatives(List.of("n"));
    assertThat(e).isEqualTo(new TrainingExample("d", "q", "p", List.of("n")));
  }
}
