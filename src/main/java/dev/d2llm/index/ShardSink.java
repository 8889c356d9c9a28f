package dev.d2llm.index;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Where a shard's bytes go while it is read: each chunk arrives with its offset from the shard's
 * start and is decoded from the format's little-endian order into an array of the index.
 */
@FunctionalInterface
interface ShardSink {

  /** Verification only: the bytes are hashed and dropped. */
  ShardSink NONE = (chunk, length, offset) -> {};

  /**
   * Takes {@code chunk[0..length)}, the shard's bytes from {@code offset} on (a multiple of the
   * element size).
   */
  void put(byte[] chunk, int length, long offset);

  /** Raw bytes into {@code target} from index {@code first}. */
  static ShardSink bytes(byte[] target, int first) {
    return (chunk, length, offset) ->
        System.arraycopy(chunk, 0, target, first + (int) offset, length);
  }

  /** Little-endian float32 values into {@code target} from index {@code first}. */
  static ShardSink floats(float[] target, int first) {
    return (chunk, length, offset) ->
        ByteBuffer.wrap(chunk, 0, length)
            .order(ByteOrder.LITTLE_ENDIAN)
            .asFloatBuffer()
            .get(target, first + (int) (offset / Float.BYTES), length / Float.BYTES);
  }

  /** Little-endian 16-bit values into {@code target} from index {@code first}. */
  static ShardSink shorts(short[] target, int first) {
    return (chunk, length, offset) ->
        ByteBuffer.wrap(chunk, 0, length)
            .order(ByteOrder.LITTLE_ENDIAN)
            .asShortBuffer()
            .get(target, first + (int) (offset / Short.BYTES), length / Short.BYTES);
  }
}
