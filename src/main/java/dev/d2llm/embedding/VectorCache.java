package dev.d2llm.embedding;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Vectors of texts kept on disk for one frozen encoder, so that re-running an experiment embeds
 * nothing twice. One file per encoder identity, {@code DIR/<identity's SHA-256>.vectors}: records
 * of the SHA-256 of the text (UTF-8) then {@code dim} float32 values, little-endian, appended in
 * chunks as they are computed, so an interrupted run keeps what it finished. A torn last record (a
 * crash mid-write) is dropped on open.
 */
public final class VectorCache implements AutoCloseable {

  /** Texts embedded per appended chunk: what an interrupted run loses at most. */
  static final int CHUNK = 256;

  private static final int KEY_BYTES = 32;

  private final Path file;
  private final int dim;
  private final Map<Key, float[]> vectors = new HashMap<>();
  private final OutputStream out;

  private VectorCache(Path file, int dim) throws IOException {
    this.file = file;
    this.dim = dim;
    long record = KEY_BYTES + 4L * dim;
    long whole = Files.exists(file) ? Files.size(file) / record * record : 0;
    if (whole > 0) {
      ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
      while (buf.position() < whole) {
        byte[] key = new byte[KEY_BYTES];
        buf.get(key);
        float[] v = new float[dim];
        buf.asFloatBuffer().get(v);
        buf.position(buf.position() + 4 * dim);
        vectors.put(new Key(key), v);
      }
    }
    if (Files.exists(file) && Files.size(file) != whole) {
      try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(whole);
      }
    }
    out =
        new DataOutputStream(
            Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
  }

  /**
   * The cache in {@code dir} of the encoder named by {@code identity} (any string that changes when
   * its vectors would).
   */
  public static VectorCache open(Path dir, String identity, int dim) {
    try {
      Files.createDirectories(dir);
      return new VectorCache(dir.resolve(sha256Hex(identity) + ".vectors"), dim);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the vector cache in " + dir, e);
    }
  }

  /**
   * The vector of each text, computing the missing ones with {@code compute} (texts to vectors, in
   * order) a chunk at a time and keeping them; {@code progress} hears every text, cached or not.
   */
  public float[][] vectors(
      List<String> texts, Function<List<String>, float[][]> compute, IntConsumer progress) {
    List<String> missing = new ArrayList<>(new LinkedHashSet<>(texts));
    missing.removeIf(t -> vectors.containsKey(Key.of(t)));
    progress.accept(texts.size() - missing.size());
    for (int from = 0; from < missing.size(); from += CHUNK) {
      List<String> chunk = missing.subList(from, Math.min(missing.size(), from + CHUNK));
      float[][] fresh = compute.apply(chunk);
      append(chunk, fresh);
      progress.accept(chunk.size());
    }
    float[][] result = new float[texts.size()][];
    for (int i = 0; i < texts.size(); i++) {
      result[i] = vectors.get(Key.of(texts.get(i)));
    }
    return result;
  }

  private void append(List<String> texts, float[][] fresh) {
    ByteBuffer buf =
        ByteBuffer.allocate(texts.size() * (KEY_BYTES + 4 * dim)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < texts.size(); i++) {
      if (fresh[i].length != dim) {
        throw new IllegalStateException(
            "the vector cache "
                + file
                + " holds "
                + dim
                + "-wide vectors, given "
                + fresh[i].length);
      }
      Key key = Key.of(texts.get(i));
      buf.put(key.bytes());
      for (float f : fresh[i]) {
        buf.putFloat(f);
      }
      vectors.put(key, fresh[i]);
    }
    try {
      out.write(buf.array());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the vector cache " + file, e);
    }
  }

  /** Number of cached vectors. */
  public int size() {
    return vectors.size();
  }

  /** The file the vectors live in. */
  public Path file() {
    return file;
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the vector cache " + file, e);
    }
  }

  static String sha256Hex(String s) {
    return HexFormat.of().formatHex(sha256(s));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** A text's SHA-256, compared by value. */
  private record Key(byte[] bytes) {
    static Key of(String text) {
      return new Key(sha256(text));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && java.util.Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return HexFormat.of().formatHex(bytes);
    }
  }
}
