package dev.d2llm.checkpoint;

import java.util.Arrays;

/** Element types a checkpoint tensor can hold, named as safetensors names them. */
public enum TensorDType {
  F64(8),
  F32(4),
  F16(2),
  BF16(2),
  I64(8),
  I32(4),
  I16(2),
  I8(1),
  U8(1),
  BOOL(1);

  private final int byteSize;

  TensorDType(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** Whether the type holds floating-point numbers that {@link TensorSource#floats} converts. */
  public boolean isFloating() {
    return this == F64 || this == F32 || this == F16 || this == BF16;
  }

  /**
   * The type for a safetensors dtype string such as {@code "BF16"}; fails naming the known ones.
   */
  public static TensorDType fromSafetensors(String name) {
    for (TensorDType t : values()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new CheckpointException(
        "unsupported safetensors dtype '"
            + name
            + "'; expected one of "
            + Arrays.toString(values()));
  }
}
