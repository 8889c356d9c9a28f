package dev.d2llm.distill.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Shape checks shared by the losses, so every refusal names the input, what was expected and what
 * was found.
 */
final class Shapes {

  private Shapes() {}

  /** Fails unless {@code array} has exactly the shape {@code expected}. */
  static void require(String name, NDArray array, long... expected) {
    Shape want = new Shape(expected);
    if (array == null) {
      throw new IllegalArgumentException(name + ": expected shape " + want + ", found null");
    }
    if (!array.getShape().equals(want)) {
      throw new IllegalArgumentException(
          name + ": expected shape " + want + ", found " + array.getShape());
    }
  }

  /**
   * Fails unless {@code array} has {@code rank} dimensions; {@code layout} names them for the
   * message.
   */
  static Shape requireRank(String name, NDArray array, int rank, String layout) {
    if (array == null) {
      throw new IllegalArgumentException(name + ": expected shape " + layout + ", found null");
    }
    Shape shape = array.getShape();
    if (shape.dimension() != rank) {
      throw new IllegalArgumentException(name + ": expected shape " + layout + ", found " + shape);
    }
    return shape;
  }

  /** Fails unless {@code temperature} is positive and finite. */
  static void requireTemperature(String name, float temperature) {
    if (!(temperature > 0) || Float.isInfinite(temperature)) {
      throw new IllegalArgumentException(
          name + " must be positive and finite, found " + temperature);
    }
  }
}
