package dev.d2llm.checkpoint;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.Set;

/**
 * Named tensors read from a checkpoint. Implementations map files into memory, so closing the
 * source invalidates the buffers it handed out.
 */
public interface TensorSource extends AutoCloseable {

  /** Names of all tensors, sorted. */
  Set<String> names();

  /** Whether a tensor of that name exists. */
  default boolean contains(String name) {
    return names().contains(name);
  }

  /**
   * Name, dtype and shape of a tensor; fails with a {@link CheckpointException} naming it if
   * absent.
   */
  TensorInfo info(String name);

  /** The tensor's raw bytes as stored (little-endian), a read-only view. */
  ByteBuffer bytes(String name);

  /**
   * The tensor's stored bytes mapped copy-on-write, when the source can map them as a native-order
   * direct buffer aligned to their element size: an engine may then wrap them without copying, and
   * writes through the buffer change this process's memory, never the file. Empty otherwise.
   */
  default Optional<ByteBuffer> privateMapping(String name) {
    return Optional.empty();
  }

  /** The tensor's elements converted to float32 (from F64, F32, F16 or BF16). */
  default float[] floats(String name) {
    return DTypes.toFloats(info(name), bytes(name));
  }

  /**
   * The tensor's elements widened to int64 (from I64, I32, I16, I8, U8 or BOOL), e.g. position ids.
   */
  default long[] longs(String name) {
    return DTypes.toLongs(info(name), bytes(name));
  }

  @Override
  void close();
}
