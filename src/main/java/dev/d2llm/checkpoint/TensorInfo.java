package dev.d2llm.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/** A tensor's name, element type and shape, as a checkpoint's header declares them. */
public record TensorInfo(String name, TensorDType dtype, long[] shape) {

  public TensorInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    shape = shape.clone();
    for (long d : shape) {
      if (d < 0) {
        throw new CheckpointException(
            "tensor '" + name + "' has a negative dimension: " + Arrays.toString(shape));
      }
    }
  }

  /** Number of elements. */
  public long numel() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** Size of the tensor's data in bytes. */
  public long byteSize() {
    return Math.multiplyExact(numel(), dtype.byteSize());
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t
        && name.equals(t.name)
        && dtype == t.dtype
        && Arrays.equals(shape, t.shape);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, dtype, Arrays.hashCode(shape));
  }

  @Override
  public String toString() {
    return name + ":" + dtype + Arrays.toString(shape);
  }
}
