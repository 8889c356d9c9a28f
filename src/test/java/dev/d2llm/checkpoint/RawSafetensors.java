package dev.d2llm.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds safetensors bytes by hand, independent of our writer, so tests can check the reader
 * against the spec.
 */
final class RawSafetensors {

  private RawSafetensors() {}

  /** Writes an 8-byte little-endian length, {@code headerJson} and {@code data} to {@code file}. */
  static Path write(Path file, String headerJson, byte[] data) throws IOException {
    return write(file, headerJson.getBytes(StandardCharsets.UTF_8).length, headerJson, data);
  }

  /** Like {@link #write(Path, String, byte[])} but with a declared header length that may lie. */
  static Path write(Path file, long declaredHeaderLength, String headerJson, byte[] data)
      throws IOException {
    byte[] json = headerJson.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b =
        ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(declaredHeaderLength).put(json).put(data);
    Files.write(file, b.array());
    return file;
  }

  /** Little-endian float32 bytes. */
  static byte[] f32(float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  /** Concatenation of byte arrays. */
  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }
}
