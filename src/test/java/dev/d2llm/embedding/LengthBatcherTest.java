package dev.d2llm.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LengthBatcherTest {

  @Test
  void groupsLongestFirstWithinTheTokenBudget() {
    List<int[]> batches = new LengthBatcher(10, 100).batches(new int[] {2, 5, 3, 5, 1});
    assertThat(batches.get(0)).containsExactlyInAnyOrder(1, 3); // two rows of 5 tokens
    assertThat(batches.get(1)).containsExactly(2, 0, 4); // 3 rows of at most 3 tokens
    assertThat(batches).hasSize(2);
  }

  @Test
  void neverEmitsAnEmptyBatchForOverlongRows() {
    List<int[]> batches = new LengthBatcher(4, 100).batches(new int[] {9, 9});
    assertThat(batches).hasSize(2);
  }

  @Test
  void respectsTheRowCap() {
    assertThat(new LengthBatcher(1000, 2).batches(new int[] {1, 1, 1, 1, 1})).hasSize(3);
  }

  @Test
  void longRowsStillShareABatchOfMinRows() {
    // 512-token rows under a 1,024-token budget: 4 rows a batch, not 2.
    List<int[]> batches =
        new LengthBatcher(1024, 256, 4).batches(new int[] {512, 512, 500, 480, 470, 10, 10});
    assertThat(batches.get(0)).containsExactly(0, 1, 2, 3);
    assertThat(batches.get(1))
        .containsExactly(4, 5, 6); // 1024 / 470 = 2 rows, raised to 4; 3 remain
    assertThat(batches).hasSize(2);
  }

  @Test
  void refusesMinRowsAboveMaxRows() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LengthBatcher(1024, 2, 4))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
