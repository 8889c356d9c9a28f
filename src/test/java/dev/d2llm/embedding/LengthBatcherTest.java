package dev.d2llm.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LengthBatcherTest {

  @Test
  void groupsLongestFirstWithinTheTokenBudget() {
    List<int[]> batches = new LengthBatcher(10, 100).batches(new int[] {2, 5, 3, 5, 1});
    assertThat(batches.get(0)).containsExactlyInAnyOrder(1, 3); // two rows of 5 tokens
    assertThat(batches.get(1)).containsExactly(2, 0, 4);        // 3 rows of at most 3 tokens
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
}
