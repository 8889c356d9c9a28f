package dev.d2llm.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Opens an index version from a local directory: reads the manifest, memory-maps each shard,
 * checks its size and SHA-256 and only then decodes it. Anything missing, short or altered is
 * refused with an {@link IndexFormatException} naming the file and what was expected.
 */
public final class IndexReader {


  private IndexReader() {}

  /** The manifest in {@code dir}. */
  public static IndexManifest manifest(Path dir) {
    Path file = dir.resolve(IndexManifest.FILE);
    if (!Files.isRegularFile(file)) {
      throw new IndexFormatException(dir + " holds no " + IndexManifest.FILE
          + ": not an index, or one whose writing has not finished");
    }
    try {
      return IndexManifest.parse(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Verifies one shard file's size and SHA-256 against its manifest entry without decoding it. */
  public static void verify(Path dir, ShardInfo shard) {
    ByteBuffer b = mapChecked(dir, shard);
    MessageDigest digest = ShardFile.sha256();
    digest.update(b);
    String actual = HexFormat.of().formatHex(digest.digest());
    if (!actual.equals(shard.sha256())) {
      throw new IndexFormatException("shard " + dir.resolve(shard.file()) + " has SHA-256 " + actual
          + ", the manifest says " + shard.sha256() + " (corrupt or altered)");
    }
  }

  /** Opens the version in {@code dir}, verifying every shard. */
  public static SearchIndex open(Path dir) {
    IndexManifest m = manifest(dir);
    // Hashing is the slow part of opening a big index: check the shards side by side first.
    m.shards().parallelStream().forEach(s -> verify(dir, s));
    int n = (int) m.count();
    VectorRows vectors = readMatrix(dir, m, ShardKind.VECTORS, ShardKind.VECTOR_SCALES, m.vectorEncoding(),
        m.dimension());
    VectorRows projection = readMatrix(dir, m, ShardKind.PROJECTION, ShardKind.PROJECTION_SCALES,
        m.projectionEncoding(), m.projectionWidth());
    float[] proj = projection instanceof VectorRows.Floats f ? f.values() : widen((VectorRows.Int8) projection);
    List<String> ids = new ArrayList<>(n);
    for (ShardInfo s : m.shards(ShardKind.IDS)) {
      lines(dir, s, ids);
    }
    List<String> texts = texts(dir, m);
    return new SearchIndex(m, vectors, proj, List.copyOf(ids), texts);
  }

  /** All text shards as one lazily decoded list (verified shards are well-formed; a bad line fails on use). */
  private static List<String> texts(Path dir, IndexManifest m) {
    int n = (int) m.count();
    long total = m.shards(ShardKind.TEXTS).stream().mapToLong(ShardInfo::bytes).sum();
    if (total > Integer.MAX_VALUE - 8) {
      throw new IndexFormatException(dir + ": texts take " + total + " bytes, more than one array holds");
    }
    byte[] all = new byte[(int) total];
    int[] starts = new int[n + 1];
    int pos = 0;
    int line = 0;
    for (ShardInfo s : m.shards(ShardKind.TEXTS)) {
      ByteBuffer b = map(dir, s);
      int shardStart = pos;
      b.get(all, pos, b.remaining());
      pos += (int) s.bytes();
      long linesBefore = line;
      for (int i = shardStart; i < pos; i++) {
        if (all[i] == '\n') {
          if (line == n) {
            throw new IndexFormatException(dir.resolve(s.file()) + ": more lines than the manifest's " + n + " rows");
          }
          starts[++line] = i + 1;
        }
      }
      if (pos > shardStart && all[pos - 1] != '\n') {
        throw new IndexFormatException(dir.resolve(s.file()) + ": the last line is not terminated");
      }
      if (line - linesBefore != s.rows()) {
        throw new IndexFormatException(dir.resolve(s.file()) + ": expected " + s.rows() + " lines, found "
            + (line - linesBefore));
      }
    }
    return new JsonLineTexts(all, starts, dir.toString());
  }

  private static VectorRows readMatrix(Path dir, IndexManifest m, ShardKind kind, ShardKind scaleKind,
      VectorEncoding encoding, int width) {
    int n = (int) m.count();
    if (encoding == VectorEncoding.INT8) {
      byte[] values = new byte[n * width];
      float[] scales = new float[n];
      for (ShardInfo s : m.shards(kind)) {
        ByteBuffer b = map(dir, s, s.rows() * width);
        b.get(values, (int) s.firstRow() * width, (int) s.rows() * width);
      }
      for (ShardInfo s : m.shards(scaleKind)) {
        map(dir, s, s.rows() * 4).asFloatBuffer().get(scales, (int) s.firstRow(), (int) s.rows());
      }
      return new VectorRows.Int8(values, scales, n, width);
    }
    float[] values = new float[n * width];
    for (ShardInfo s : m.shards(kind)) {
      ByteBuffer b = map(dir, s, s.rows() * width * encoding.bytesPerValue());
      int offset = (int) s.firstRow() * width;
      int len = (int) s.rows() * width;
      if (encoding == VectorEncoding.FP32) {
        FloatBuffer fb = b.asFloatBuffer();
        fb.get(values, offset, len);
      } else {
        ShortBuffer sb = b.asShortBuffer();
        for (int i = 0; i < len; i++) {
          values[offset + i] = Float.float16ToFloat(sb.get(i));
        }
      }
    }
    return new VectorRows.Floats(values, n, width);
  }

  private static float[] widen(VectorRows.Int8 rows) {
    float[] out = new float[rows.values().length];
    int w = rows.width();
    for (int r = 0; r < rows.rows(); r++) {
      float s = rows.scales()[r];
      for (int i = 0; i < w; i++) {
        out[r * w + i] = rows.values()[r * w + i] * s;
      }
    }
    return out;
  }

  private static void lines(Path dir, ShardInfo s, List<String> out) {
    ByteBuffer b = map(dir, s);
    byte[] all = new byte[b.remaining()];
    b.get(all);
    String content = new String(all, StandardCharsets.UTF_8);
    int before = out.size();
    if (!content.isEmpty()) {
      if (!content.endsWith("\n")) {
        throw new IndexFormatException(dir.resolve(s.file()) + ": the last line is not terminated");
      }
      out.addAll(Arrays.asList(content.substring(0, content.length() - 1).split("\n", -1)));
    }
    if (out.size() - before != s.rows()) {
      throw new IndexFormatException(dir.resolve(s.file()) + ": expected " + s.rows() + " lines, found "
          + (out.size() - before));
    }
  }

  private static ByteBuffer map(Path dir, ShardInfo s, long expectedBytes) {
    if (s.bytes() != expectedBytes) {
      throw new IndexFormatException("shard " + s.file() + " should hold " + expectedBytes + " bytes for its "
          + s.rows() + " rows, the manifest says " + s.bytes());
    }
    return map(dir, s);
  }

  /** Maps a shard that {@link #verify} has checked. */
  private static ByteBuffer map(Path dir, ShardInfo s) {
    return mapChecked(dir, s).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Maps a shard after checking that it exists with the manifest's size. */
  private static ByteBuffer mapChecked(Path dir, ShardInfo s) {
    Path file = dir.resolve(s.file());
    if (!Files.isRegularFile(file)) {
      throw new IndexFormatException("shard " + file + " is missing");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size != s.bytes()) {
        throw new IndexFormatException("shard " + file + " has " + size + " bytes, the manifest says " + s.bytes()
            + " (incomplete or altered)");
      }
      return size == 0 ? ByteBuffer.allocate(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read shard " + file, e);
    }
  }
}
