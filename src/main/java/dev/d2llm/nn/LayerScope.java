package dev.d2llm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.ParameterStore;
import java.util.function.Supplier;

/**
 * One layer of a stack at a time at inference: the arrays a layer makes on the way to its output
 * (attention scores, MLP activations) are closed as soon as it returns, instead of living until the
 * batch's scope closes. A forward pass then holds one layer's intermediates at a time: on a GPU,
 * twelve layers of [128, 12, 512, 512] attention scores would otherwise stay allocated together.
 * Training (a parameter store, or {@code training}) keeps everything, as autograd needs it.
 */
public final class LayerScope {

  private LayerScope() {}

  /**
   * The output of {@code layer} applied to {@code input}; at inference its intermediates are freed,
   * and so is {@code input} when {@code inputIsOwn} says an earlier step of this stack made it.
   */
  public static NDArray step(
      ParameterStore ps,
      boolean training,
      NDArray input,
      boolean inputIsOwn,
      Supplier<NDArray> layer) {
    if (ps != null || training) {
      return layer.get();
    }
    NDArray out;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      out = layer.get();
      NDScope.unregister(out);
    }
    if (inputIsOwn && input != out) {
      input.close();
    }
    return out;
  }
}
