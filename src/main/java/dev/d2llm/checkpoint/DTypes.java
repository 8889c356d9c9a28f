package dev.d2llm.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Conversions between float32 and the element types checkpoints store, shared by readers and
 * writers.
 */
public final class DTypes {

  private DTypes() {}

  /** The bfloat16 nearest to {@code f}, ties to even, as PyTorch rounds. */
  public static short toBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      // Truncating could clear every mantissa bit and turn a NaN into infinity; keep it a quiet
      // NaN.
      return (short) ((bits >>> 16) | 0x0040);
    }
    int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + roundingBias) >>> 16);
  }

  /** The float32 a bfloat16 stands for (exact). */
  public static float fromBf16(short bf16) {
    return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
  }

  /** The IEEE half-precision value nearest to {@code f}, ties to even. */
  public static short toF16(float f) {
    return Float.floatToFloat16(f);
  }

  /** The float32 an IEEE half-precision value stands for (exact). */
  public static float fromF16(short f16) {
    return Float.float16ToFloat(f16);
  }

  /** Little-endian bytes of {@code values} in a floating {@code dtype} (F64, F32, F16 or BF16). */
  static ByteBuffer encode(float[] values, TensorDType dtype) {
    ByteBuffer b =
        ByteBuffer.allocate(Math.multiplyExact(values.length, dtype.byteSize()))
            .order(ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case F64 -> {
        for (float v : values) {
          b.putDouble(v);
        }
      }
      case F32 -> b.asFloatBuffer().put(values);
      case F16 -> {
        for (float v : values) {
          b.putShort(toF16(v));
        }
      }
      case BF16 -> {
        for (float v : values) {
          b.putShort(toBf16(v));
        }
      }
      default ->
          throw new CheckpointException(
              "cannot store floats as " + dtype + "; expected F64, F32, F16 or BF16");
    }
    return b.rewind();
  }

  /** The elements of a floating tensor as float32. */
  static float[] toFloats(TensorInfo info, ByteBuffer data) {
    if (!info.dtype().isFloating()) {
      throw new CheckpointException(
          "tensor '"
              + info.name()
              + "' has dtype "
              + info.dtype()
              + "; floats() reads F64, F32, F16 or BF16");
    }
    ByteBuffer le = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[elementCount(info)];
    switch (info.dtype()) {
      case F32 -> le.asFloatBuffer().get(out);
      case F64 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = (float) le.getDouble(i * 8);
        }
      }
      case F16 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = fromF16(le.getShort(i * 2));
        }
      }
      case BF16 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = fromBf16(le.getShort(i * 2));
        }
      }
      default -> throw new AssertionError(info.dtype());
    }
    return out;
  }

  /** The elements of an integer or boolean tensor widened to int64. */
  static long[] toLongs(TensorInfo info, ByteBuffer data) {
    ByteBuffer le = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long[] out = new long[elementCount(info)];
    switch (info.dtype()) {
      case I64 -> le.asLongBuffer().get(out);
      case I32 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = le.getInt(i * 4);
        }
      }
      case I16 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = le.getShort(i * 2);
        }
      }
      case I8 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = le.get(i);
        }
      }
      case U8, BOOL -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = le.get(i) & 0xFF;
        }
      }
      default ->
          throw new CheckpointException(
              "tensor '"
                  + info.name()
                  + "' has dtype "
                  + info.dtype()
                  + "; longs() reads I64, I32, I16, I8, U8 or BOOL");
    }
    return out;
  }

  private static int elementCount(TensorInfo info) {
    long n = info.numel();
    if (n > Integer.MAX_VALUE - 8) {
      throw new CheckpointException(
          "tensor '"
              + info.name()
              + "' has "
              + n
              + " elements, too many for one Java array; read bytes() instead");
    }
    return (int) n;
  }
}
