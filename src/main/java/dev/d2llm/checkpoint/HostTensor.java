package dev.d2llm.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor held in Java memory, ready to be written to a checkpoint: dtype, shape and little-endian
 * bytes.
 */
public record HostTensor(TensorDType dtype, long[] shape, ByteBuffer data) {

  public HostTensor {
    Objects.requireNonNull(dtype, "dtype");
    shape = shape.clone();
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    long expected = n * dtype.byteSize();
    if (data.remaining() != expected) {
      throw new CheckpointException(
          "tensor of "
              + dtype
              + Arrays.toString(shape)
              + " needs "
              + expected
              + " bytes, found "
              + data.remaining());
    }
    data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A float32 tensor of the given shape. */
  public static HostTensor ofFloats(float[] values, long... shape) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return new HostTensor(TensorDType.F32, shape, b);
  }

  /**
   * A tensor of a floating {@code dtype} (F64, F32, F16 or BF16) holding {@code values} rounded to
   * nearest, ties to even.
   */
  public static HostTensor ofFloats(float[] values, TensorDType dtype, long... shape) {
    return new HostTensor(dtype, shape, DTypes.encode(values, dtype));
  }

  /** An int64 tensor of the given shape. */
  public static HostTensor ofLongs(long[] values, long... shape) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    return new HostTensor(TensorDType.I64, shape, b);
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public ByteBuffer data() {
    return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }
}
