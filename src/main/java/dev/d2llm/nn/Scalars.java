package dev.d2llm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic between a tensor and a constant that is safe under autograd. DJL's {@code Number}
 * overloads ({@code x.mul(2f)}) wrap the constant in a Java direct buffer and release it right
 * after the call, yet PyTorch keeps that scalar for the backward pass: once the garbage collector
 * reclaims the buffer, gradients read freed memory (NaN or silently wrong, depending on GC timing).
 * Here the constant is a PyTorch-owned scalar tensor in the operand's scope. Core code uses these
 * instead of DJL's {@code Number} overloads; {@code NoDjlNumberOverloadsTest} holds it to that.
 */
public final class Scalars {

  private Scalars() {}

  /**
   * A 0-d tensor holding {@code value}: float32 beside floating tensors, int64 beside integer ones,
   * so type promotion gives what DJL's overloads gave.
   */
  public static NDArray of(NDArray like, double value) {
    DataType type = like.getDataType().isFloating() ? DataType.FLOAT32 : DataType.INT64;
    return like.getManager().full(new Shape(), (float) value, type);
  }

  public static NDArray add(NDArray x, double value) {
    return x.add(of(x, value));
  }

  public static NDArray sub(NDArray x, double value) {
    return x.sub(of(x, value));
  }

  public static NDArray mul(NDArray x, double value) {
    return x.mul(of(x, value));
  }

  public static NDArray div(NDArray x, double value) {
    return x.div(of(x, value));
  }

  public static NDArray pow(NDArray x, double exponent) {
    return x.pow(of(x, exponent));
  }

  public static NDArray maximum(NDArray x, double value) {
    return x.maximum(of(x, value));
  }

  /** {@code value - x}. */
  public static NDArray rsub(double value, NDArray x) {
    return of(x, value).sub(x);
  }

  /** In place: {@code x *= value}. */
  public static NDArray muli(NDArray x, double value) {
    return x.muli(of(x, value));
  }
}
