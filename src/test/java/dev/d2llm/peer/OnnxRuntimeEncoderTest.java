package dev.d2llm.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.d2llm.text.PaddingSide;
import dev.d2llm.text.TokenBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ONNX Runtime peer owns every byte it reads (issue 21: a benchmark died once inside {@code
 * OrtSession.run}): ORT's Java API copies heap input buffers into direct buffers held by each input
 * tensor until it is closed, after the run, and copies the output before the result is closed, so
 * no memory is shared with DJL, PyTorch or the garbage collector. These tests hold it to that.
 */
class OnnxRuntimeEncoderTest {

  private static final Path ONNX = Path.of("test/resources/models/tiny-bert/onnx/model.onnx");

  private static TokenBatch batch() {
    return TokenBatch.pad(
        List.of(new long[] {2, 7, 9, 11, 3}, new long[] {2, 5, 3}), 0, PaddingSide.RIGHT);
  }

  @Test
  void repeatedRunsUnderGarbageCollectionGiveTheSameStates() {
    try (OnnxRuntimeEncoder encoder = new OnnxRuntimeEncoder(ONNX, 1)) {
      float[] first = encoder.hiddenStates(batch());
      assertThat(first).isNotEmpty();
      for (int i = 0; i < 50; i++) {
        // Garbage and a collection between runs: a tensor whose memory the collector could free
        // or move would show up as a changed state or a crash here.
        List<long[]> garbage = new ArrayList<>();
        for (int j = 0; j < 64; j++) {
          garbage.add(new long[4096]);
        }
        assertThat(garbage).hasSize(64);
        System.gc();
        assertThat(encoder.hiddenStates(batch())).as("run %d", i).containsExactly(first);
      }
    }
  }

  @Test
  void theCallersBatchMayChangeAfterARunWithoutChangingItsResult() {
    try (OnnxRuntimeEncoder encoder = new OnnxRuntimeEncoder(ONNX, 1)) {
      TokenBatch b = batch();
      float[] states = encoder.hiddenStates(b);
      float[] copy = states.clone();
      Arrays.fill(b.ids(), 0L);
      assertThat(states).containsExactly(copy);
    }
  }

  @Test
  void aClosedEncoderRefusesInsteadOfReadingFreedMemory() {
    OnnxRuntimeEncoder encoder = new OnnxRuntimeEncoder(ONNX, 1);
    encoder.close();
    assertThatThrownBy(() -> encoder.hiddenStates(batch()))
        .isInstanceOf(IllegalStateException.class);
  }
}
