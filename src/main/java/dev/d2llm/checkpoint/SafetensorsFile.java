package dev.d2llm.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One safetensors file, read memory-mapped: the header is parsed and checked on open, and each
 * tensor's bytes are mapped on first use, one mapping per tensor so files beyond 2 GiB work.
 */
public final class SafetensorsFile implements TensorSource {

  /** The Rust reference implementation refuses larger headers; so do we, before allocating one. */
  static final long MAX_HEADER_BYTES = 100_000_000L;

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final SafetensorsHeader header;
  private final Map<String, ByteBuffer> mapped = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private SafetensorsFile(
      Path path, FileChannel channel, long dataStart, SafetensorsHeader header) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.header = header;
  }

  /**
   * Opens and validates {@code file}; fails with a {@link CheckpointException} naming the file and
   * what is wrong.
   */
  public static SafetensorsFile open(Path file) {
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot open safetensors file: " + e, e);
    }
    try {
      long size = channel.size();
      if (size < 8) {
        throw new CheckpointException(
            file + ": file is " + size + " bytes, too short for the 8-byte header length");
      }
      long headerLength = readFully(channel, 0, 8).getLong();
      if (headerLength < 0 || headerLength > size - 8) {
        throw new CheckpointException(
            file
                + ": header length "
                + Long.toUnsignedString(headerLength)
                + " runs past the end of the file ("
                + size
                + " bytes); the file is truncated or not safetensors");
      }
      if (headerLength > MAX_HEADER_BYTES) {
        throw new CheckpointException(
            file
                + ": header length "
                + headerLength
                + " exceeds the limit of "
                + MAX_HEADER_BYTES
                + " bytes");
      }
      byte[] json = new byte[(int) headerLength];
      readFully(channel, 8, (int) headerLength).get(json);
      long dataStart = 8 + headerLength;
      SafetensorsHeader header = SafetensorsHeader.parse(json, size - dataStart, file.toString());
      return new SafetensorsFile(file, channel, dataStart, header);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new CheckpointException(file + ": cannot read safetensors file: " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  /** The file this source reads. */
  public Path path() {
    return path;
  }

  /** The header's {@code __metadata__} strings (empty if it has none). */
  public Map<String, String> metadata() {
    return header.metadata();
  }

  @Override
  public Set<String> names() {
    return header.tensors().keySet();
  }

  @Override
  public TensorInfo info(String name) {
    return entry(name).info();
  }

  @Override
  public ByteBuffer bytes(String name) {
    SafetensorsHeader.Entry entry = entry(name);
    ByteBuffer buffer = mapped.computeIfAbsent(name, n -> map(n, entry));
    // asReadOnlyBuffer resets the byte order, so set it afterwards.
    return buffer.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  public Optional<ByteBuffer> privateMapping(String name) {
    SafetensorsHeader.Entry entry = entry(name);
    long length = entry.end() - entry.begin();
    int elementBytes = entry.info().dtype().byteSize();
    if (closed
        || length == 0
        || length > Integer.MAX_VALUE
        || (dataStart + entry.begin()) % elementBytes != 0
        || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      return Optional.empty();
    }
    // The JDK maps copy-on-write only through a channel open for writing, though nothing is written
    // back; a file this process may not write is read the usual way instead.
    try (FileChannel writable =
        FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      return Optional.of(
          writable
              .map(FileChannel.MapMode.PRIVATE, dataStart + entry.begin(), length)
              .order(ByteOrder.LITTLE_ENDIAN));
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    closed = true;
    mapped.clear();
    closeQuietly(channel);
  }

  @Override
  public String toString() {
    return "SafetensorsFile[" + path + ", " + names().size() + " tensors]";
  }

  private SafetensorsHeader.Entry entry(String name) {
    SafetensorsHeader.Entry entry = header.tensors().get(name);
    if (entry == null) {
      throw new CheckpointException(path + ": no tensor named '" + name + "'");
    }
    return entry;
  }

  private ByteBuffer map(String name, SafetensorsHeader.Entry entry) {
    if (closed) {
      throw new CheckpointException(path + ": closed; cannot read tensor '" + name + "'");
    }
    long length = entry.end() - entry.begin();
    if (length > Integer.MAX_VALUE) {
      throw new CheckpointException(
          path
              + ": tensor '"
              + name
              + "' is "
              + length
              + " bytes, more than one Java buffer can address (2 GiB)");
    }
    if (length == 0) {
      return ByteBuffer.allocate(0);
    }
    try {
      MappedByteBuffer buffer =
          channel.map(FileChannel.MapMode.READ_ONLY, dataStart + entry.begin(), length);
      return buffer.order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new CheckpointException(path + ": cannot map tensor '" + name + "': " + e, e);
    }
  }

  private static ByteBuffer readFully(FileChannel channel, long position, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new IOException("unexpected end of file at byte " + (position + buffer.position()));
      }
    }
    return buffer.flip();
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Nothing useful to do: the mappings already handed out stay valid until collected.
    }
  }
}
