package dev.d2llm.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Writes tensors as safetensors files that the Hugging Face libraries read: one file, or shards
 * plus a {@code model.safetensors.index.json}. Files appear atomically, never half-written.
 */
public final class SafetensorsWriter {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SafetensorsWriter() {}

  /** Writes {@code tensors} (stored in name order) and string {@code metadata} to {@code file}. */
  public static void write(
      Path file, Map<String, HostTensor> tensors, Map<String, String> metadata) {
    SortedMap<String, HostTensor> sorted = new TreeMap<>(tensors);
    byte[] header = header(sorted, metadata);
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      // A sibling name, not createTempFile: that one makes the file owner-only (0600).
      tmp =
          dir.resolve(
              "."
                  + file.getFileName()
                  + "."
                  + ProcessHandle.current().pid()
                  + "."
                  + System.nanoTime()
                  + ".tmp");
      try (FileChannel out =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        writeFully(
            out, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length));
        writeFully(out, ByteBuffer.wrap(header));
        for (HostTensor t : sorted.values()) {
          writeFully(out, t.data());
        }
        out.force(true);
      }
      moveAtomically(tmp, file);
      tmp = null;
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot write safetensors file: " + e, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The original failure is the one worth reporting.
        }
      }
    }
  }

  /**
   * Writes {@code tensors} into {@code dir} as the Hub does: {@code model.safetensors} if they fit
   * in {@code maxShardBytes}, else shards {@code model-00001-of-0000n.safetensors} and an index. A
   * tensor larger than {@code maxShardBytes} gets a shard of its own.
   */
  public static void writeSharded(
      Path dir, Map<String, HostTensor> tensors, Map<String, String> metadata, long maxShardBytes) {
    if (maxShardBytes <= 0) {
      throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
    }
    SortedMap<String, HostTensor> sorted = new TreeMap<>(tensors);
    long total = sorted.values().stream().mapToLong(t -> t.data().remaining()).sum();
    try {
      if (total <= maxShardBytes) {
        write(dir.resolve(Checkpoints.SINGLE_FILE), sorted, metadata);
        // Readers prefer model.safetensors anyway, but a stale index would contradict it.
        Files.deleteIfExists(dir.resolve(ShardedSafetensors.INDEX_FILE));
        return;
      }
      List<SortedMap<String, HostTensor>> shards = split(sorted, maxShardBytes);
      // Readers prefer model.safetensors, so a stale one would hide the shards written here.
      Files.deleteIfExists(dir.resolve(Checkpoints.SINGLE_FILE));
      ObjectNode weightMap = JSON.createObjectNode();
      for (int i = 0; i < shards.size(); i++) {
        String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
        write(dir.resolve(name), shards.get(i), metadata);
        shards.get(i).keySet().forEach(tensor -> weightMap.put(tensor, name));
      }
      writeIndex(dir.resolve(ShardedSafetensors.INDEX_FILE), metadata, total, weightMap);
    } catch (IOException e) {
      throw new CheckpointException(dir + ": cannot write sharded checkpoint: " + e, e);
    }
  }

  /**
   * The JSON header, padded with spaces to a multiple of 8 bytes so the data that follows stays
   * aligned.
   */
  static byte[] header(SortedMap<String, HostTensor> tensors, Map<String, String> metadata) {
    ObjectNode root = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
      new TreeMap<>(metadata).forEach(meta::put);
    }
    if (tensors.containsKey(SafetensorsHeader.METADATA_KEY)) {
      throw new CheckpointException(
          "a tensor cannot be named "
              + SafetensorsHeader.METADATA_KEY
              + "; the header reserves it");
    }
    long offset = 0;
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      HostTensor t = e.getValue();
      long end = offset + t.data().remaining();
      ObjectNode entry = root.putObject(e.getKey());
      entry.put("dtype", t.dtype().name());
      ArrayNode shape = entry.putArray("shape");
      for (long d : t.shape()) {
        shape.add(d);
      }
      entry.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new CheckpointException("cannot encode safetensors header: " + e.getMessage(), e);
    }
    int padded = (json.length + 7) / 8 * 8;
    byte[] out = new byte[padded];
    System.arraycopy(json, 0, out, 0, json.length);
    Arrays.fill(out, json.length, padded, (byte) ' ');
    return out;
  }

  private static List<SortedMap<String, HostTensor>> split(
      SortedMap<String, HostTensor> tensors, long maxShardBytes) {
    List<SortedMap<String, HostTensor>> shards = new ArrayList<>();
    SortedMap<String, HostTensor> current = new TreeMap<>();
    long currentBytes = 0;
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      long size = e.getValue().data().remaining();
      if (!current.isEmpty() && currentBytes + size > maxShardBytes) {
        shards.add(current);
        current = new TreeMap<>();
        currentBytes = 0;
      }
      current.put(e.getKey(), e.getValue());
      currentBytes += size;
    }
    if (!current.isEmpty()) {
      shards.add(current);
    }
    return shards;
  }

  private static void writeIndex(
      Path index, Map<String, String> metadata, long total, ObjectNode weightMap)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode meta = root.putObject("metadata");
    new TreeMap<>(metadata).forEach(meta::put);
    // The Hub writes total_size as a number; transformers reads it that way.
    meta.put("total_size", total);
    root.set("weight_map", weightMap);
    Path tmp =
        index
            .toAbsolutePath()
            .getParent()
            .resolve("." + index.getFileName() + "." + System.nanoTime() + ".tmp");
    try {
      Files.write(
          tmp,
          JSON.writerWithDefaultPrettyPrinter()
              .writeValueAsString(root)
              .getBytes(StandardCharsets.UTF_8));
      moveAtomically(tmp, index);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
