package dev.d2llm.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a single safetensors file. Minimal stand-in on the ONNX branch (header sorted by name,
 * 8-byte little-endian header length, then the data); the full writer replaces it at merge.
 */
public final class SafetensorsWriter {

  private SafetensorsWriter() {}

  /** Writes the tensors, sorted by name, with optional {@code __metadata__} string entries. */
  public static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata) {
    Map<String, HostTensor> sorted = new TreeMap<>(tensors);
    ObjectMapper json = new ObjectMapper();
    ObjectNode header = json.createObjectNode();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      new TreeMap<>(metadata).forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, HostTensor> e : sorted.entrySet()) {
      HostTensor t = e.getValue();
      long size = t.data().remaining();
      ObjectNode info = header.putObject(e.getKey());
      info.put("dtype", t.dtype().name());
      ArrayNode shape = info.putArray("shape");
      for (long d : t.shape()) {
        shape.add(d);
      }
      info.putArray("data_offsets").add(offset).add(offset + size);
      offset += size;
    }
    byte[] headerBytes = header.toString().getBytes(StandardCharsets.UTF_8);
    // The format asks for the data to start 8-byte aligned; pad the header with spaces.
    int padded = (headerBytes.length + 7) / 8 * 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(headerBytes);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      writeFully(ch, head);
      for (HostTensor t : sorted.values()) {
        writeFully(ch, t.data());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write safetensors file " + file, e);
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }
}
