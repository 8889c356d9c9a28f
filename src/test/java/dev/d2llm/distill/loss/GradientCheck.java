package dev.d2llm.distill.loss;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.function.Function;

/**
 * Holds DJL autograd's gradient of a scalar loss against central finite differences, element by
 * element, in float32.
 */
final class GradientCheck {

  static final float STEP = 1e-3f;
  static final double RELATIVE_TOLERANCE = 1e-2;

  /**
   * Float32 rounding of a loss near 1 is ~1e-7; divided by 2h that is ~1e-4, so this floor is a few
   * of those.
   */
  static final double ABSOLUTE_TOLERANCE = 5e-4;

  /** One differentiated input: its values and shape. */
  record Input(String name, float[] values, Shape shape) {}

  private GradientCheck() {}

  /** The autograd gradients of {@code loss} with respect to each input, flattened. */
  static float[][] autograd(NDManager parent, Function<NDList, NDArray> loss, Input... inputs) {
    try (NDManager scope = parent.newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDList arrays = new NDList();
      for (Input input : inputs) {
        NDArray array = scope.create(input.values(), input.shape());
        array.setRequiresGradient(true);
        arrays.add(array);
      }
      collector.backward(loss.apply(arrays));
      float[][] gradients = new float[inputs.length][];
      for (int i = 0; i < inputs.length; i++) {
        gradients[i] = arrays.get(i).getGradient().toFloatArray();
      }
      return gradients;
    }
  }

  /** The loss's value at the given input values, without recording gradients. */
  static double value(
      NDManager parent, Function<NDList, NDArray> loss, Input[] inputs, float[][] values) {
    try (NDManager scope = parent.newSubManager()) {
      NDList arrays = new NDList();
      for (int i = 0; i < inputs.length; i++) {
        arrays.add(scope.create(values[i], inputs[i].shape()));
      }
      return loss.apply(arrays).getFloat();
    }
  }

  /**
   * Asserts autograd agrees with central differences for every element of every input, and that the
   * gradient is not trivially zero (a check that compares zeros with zeros proves nothing).
   */
  static void assertMatchesFiniteDifferences(
      NDManager parent, Function<NDList, NDArray> loss, Input... inputs) {
    float[][] analytic = autograd(parent, loss, inputs);
    float[][] values = new float[inputs.length][];
    for (int i = 0; i < inputs.length; i++) {
      values[i] = inputs[i].values().clone();
    }
    double largest = 0;
    for (int i = 0; i < inputs.length; i++) {
      for (int e = 0; e < values[i].length; e++) {
        float original = values[i][e];
        values[i][e] = original + STEP;
        double up = value(parent, loss, inputs, values);
        values[i][e] = original - STEP;
        double down = value(parent, loss, inputs, values);
        values[i][e] = original;
        double numeric = (up - down) / (2 * STEP);
        double a = analytic[i][e];
        double tolerance =
            RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(numeric)) + ABSOLUTE_TOLERANCE;
        assertThat(Math.abs(a - numeric))
            .as(
                "d loss / d %s[%d]: autograd %s, central difference %s",
                inputs[i].name(), e, a, numeric)
            .isLessThanOrEqualTo(tolerance);
        largest = Math.max(largest, Math.abs(a));
      }
    }
    assertThat(largest).as("largest gradient element").isGreaterThan(1e-2);
  }
}
