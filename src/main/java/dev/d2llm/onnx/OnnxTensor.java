package dev.d2llm.onnx;

import dev.d2llm.checkpoint.CheckpointException;
import dev.d2llm.checkpoint.HostTensor;
import dev.d2llm.checkpoint.TensorDType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor as an ONNX file stores it (an initializer or a Constant node's value): name, ONNX
 * element type, dims and little-endian bytes, which are a view into the mapped file when it used
 * {@code raw_data}.
 */
public record OnnxTensor(String name, int dataType, long[] dims, ByteBuffer data) {

  /** ONNX {@code TensorProto.DataType} codes this reader knows. */
  public static final int FLOAT = 1,
      UINT8 = 2,
      INT8 = 3,
      INT16 = 5,
      INT32 = 6,
      INT64 = 7,
      BOOL = 9,
      FLOAT16 = 10,
      DOUBLE = 11,
      BFLOAT16 = 16;

  public OnnxTensor {
    Objects.requireNonNull(name, "name");
    dims = dims.clone();
    data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * The checkpoint element type for this tensor's ONNX type; fails naming the code if it has none.
   */
  public TensorDType dtype() {
    return switch (dataType) {
      case FLOAT -> TensorDType.F32;
      case DOUBLE -> TensorDType.F64;
      case FLOAT16 -> TensorDType.F16;
      case BFLOAT16 -> TensorDType.BF16;
      case INT64 -> TensorDType.I64;
      case INT32 -> TensorDType.I32;
      case INT16 -> TensorDType.I16;
      case INT8 -> TensorDType.I8;
      case UINT8 -> TensorDType.U8;
      case BOOL -> TensorDType.BOOL;
      default ->
          throw new CheckpointException(
              "ONNX tensor '"
                  + name
                  + "' has data_type "
                  + dataType
                  + ", expected one of float(1), float16(10), bfloat16(16), double(11) or an integer type");
    };
  }

  /**
   * Bytes per element of an ONNX data type, or -1 for types this reader does not decode (strings,
   * complex).
   */
  public static int elementSize(int dataType) {
    return switch (dataType) {
      case DOUBLE, INT64 -> 8;
      case FLOAT, INT32 -> 4;
      case FLOAT16, BFLOAT16, INT16 -> 2;
      case INT8, UINT8, BOOL -> 1;
      default -> -1;
    };
  }

  /** Number of elements (1 for a scalar). */
  public long numel() {
    long n = 1;
    for (long d : dims) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** Number of dimensions. */
  public int rank() {
    return dims.length;
  }

  @Override
  public long[] dims() {
    return dims.clone();
  }

  @Override
  public ByteBuffer data() {
    return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The tensor as a checkpoint tensor sharing these bytes. */
  public HostTensor toHost() {
    return new HostTensor(dtype(), dims, data);
  }

  /** The elements as longs; only for integer tensors (Reshape shapes are INT64). */
  public long[] longs() {
    long[] out = new long[Math.toIntExact(numel())];
    ByteBuffer b = data();
    for (int i = 0; i < out.length; i++) {
      out[i] =
          switch (dataType) {
            case INT64 -> b.getLong();
            case INT32 -> b.getInt();
            default ->
                throw new CheckpointException(
                    "ONNX tensor '"
                        + name
                        + "' is expected to hold integers, found data_type "
                        + dataType);
          };
    }
    return out;
  }

  /** The elements as doubles; only for FLOAT and DOUBLE tensors (LayerNorm epsilons). */
  public double[] doubles() {
    double[] out = new double[Math.toIntExact(numel())];
    ByteBuffer b = data();
    for (int i = 0; i < out.length; i++) {
      out[i] =
          switch (dataType) {
            case FLOAT -> b.getFloat();
            case DOUBLE -> b.getDouble();
            default ->
                throw new CheckpointException(
                    "ONNX tensor '"
                        + name
                        + "' is expected to hold floats, found data_type "
                        + dataType);
          };
    }
    return out;
  }

  @Override
  public String toString() {
    return name + ":" + dataType + Arrays.toString(dims);
  }
}
