package dev.d2llm.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenBatchTest {

  @Test
  void rightPaddingPutsPadAfterTokens() {
    TokenBatch b =
        TokenBatch.pad(List.of(new long[] {5, 6, 7}, new long[] {8}), 0, PaddingSide.RIGHT);
    assertThat(b.ids()).containsExactly(5, 6, 7, 8, 0, 0);
    assertThat(b.mask()).containsExactly(1, 1, 1, 1, 0, 0);
    assertThat(b.tokenCount()).isEqualTo(4);
  }

  @Test
  void leftPaddingPutsPadBeforeTokens() {
    TokenBatch b =
        TokenBatch.pad(List.of(new long[] {5, 6, 7}, new long[] {8}), 9, PaddingSide.LEFT);
    assertThat(b.ids()).containsExactly(5, 6, 7, 9, 9, 8);
    assertThat(b.mask()).containsExactly(1, 1, 1, 0, 0, 1);
  }
}
