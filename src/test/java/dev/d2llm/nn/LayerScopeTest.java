package dev.d2llm.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A layer's intermediates are freed at inference, kept in training; its output always survives. */
class LayerScopeTest {

  @Test
  void atInferenceALayersIntermediatesAndItsOwnInputAreClosed() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray input = m.ones(new ai.djl.ndarray.types.Shape(2, 3));
      List<NDArray> made = new ArrayList<>();
      NDArray out = LayerScope.step(null, false, input, true, () -> twiceThenPlusOne(input, made));
      assertThat(made.get(0).isReleased()).isTrue();
      assertThat(input.isReleased()).isTrue();
      assertThat(out.isReleased()).isFalse();
      assertThat(out.toFloatArray()).containsOnly(3f);
    }
  }

  @Test
  void anInputTheStackDidNotMakeIsKept() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray input = m.ones(new ai.djl.ndarray.types.Shape(2));
      LayerScope.step(null, false, input, false, () -> twiceThenPlusOne(input, new ArrayList<>()));
      assertThat(input.isReleased()).isFalse();
    }
  }

  @Test
  void inTrainingEverythingIsKeptForAutograd() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray input = m.ones(new ai.djl.ndarray.types.Shape(2));
      List<NDArray> made = new ArrayList<>();
      LayerScope.step(null, true, input, true, () -> twiceThenPlusOne(input, made));
      assertThat(made.get(0).isReleased()).isFalse();
      assertThat(input.isReleased()).isFalse();
    }
  }

  private static NDArray twiceThenPlusOne(NDArray x, List<NDArray> made) {
    NDArray twice = x.mul(2);
    made.add(twice);
    return twice.add(1);
  }
}
