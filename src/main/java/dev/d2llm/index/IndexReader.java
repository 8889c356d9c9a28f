package dev.d2llm.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Opens an index version from a local directory: reads the manifest, then reads each shard once,
 * checking its size and SHA-256 as its bytes go into the index's arrays. Anything missing, short or
 * altered is refused with an {@link IndexFormatException} naming the file and what was expected.
 */
public final class IndexReader {

  private IndexReader() {}

  /** The manifest in {@code dir}. */
  public static IndexManifest manifest(Path dir) {
    Path file = dir.resolve(IndexManifest.FILE);
    if (!Files.isRegularFile(file)) {
      throw new IndexFormatException(
          dir
              + " holds no "
              + IndexManifest.FILE
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
    new ShardRead(shard, ShardSink.NONE).run(dir);
  }

  /**
   * Opens the version in {@code dir}, verifying every shard. Each shard file is read once, in
   * chunks that go through SHA-256 and straight on into the index's arrays; the shards are read
   * side by side, as hashing is the slow part of opening a big index.
   */
  public static SearchIndex open(Path dir) {
    IndexManifest m = manifest(dir);
    int n = (int) m.count();
    List<ShardRead> reads = new ArrayList<>();
    Matrix vectors =
        matrix(
            m,
            ShardKind.VECTORS,
            ShardKind.VECTOR_SCALES,
            m.vectorEncoding(),
            m.dimension(),
            reads);
    Matrix projection =
        matrix(
            m,
            ShardKind.PROJECTION,
            ShardKind.PROJECTION_SCALES,
            m.projectionEncoding(),
            m.projectionWidth(),
            reads);
    List<ShardInfo> idShards = m.shards(ShardKind.IDS);
    byte[][] idBytes = new byte[idShards.size()][];
    for (int i = 0; i < idShards.size(); i++) {
      idBytes[i] = new byte[checkedLength(dir, idShards.get(i))];
      reads.add(new ShardRead(idShards.get(i), ShardSink.bytes(idBytes[i], 0)));
    }
    byte[] texts = textBytes(dir, m, reads);
    ShardRead.readAll(dir, reads);
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < idShards.size(); i++) {
      lines(dir, idShards.get(i), idBytes[i], ids);
    }
    VectorRows projectionRows = projection.finish();
    float[] proj =
        projectionRows instanceof VectorRows.Floats f
            ? f.values()
            : widen((VectorRows.Int8) projectionRows);
    return new SearchIndex(m, vectors.finish(), proj, List.copyOf(ids), texts(dir, m, texts));
  }

  /** All text shards' bytes, one after the other, in one array the shard reads fill. */
  private static byte[] textBytes(Path dir, IndexManifest m, List<ShardRead> reads) {
    long total = m.shards(ShardKind.TEXTS).stream().mapToLong(ShardInfo::bytes).sum();
    if (total > Integer.MAX_VALUE - 8) {
      throw new IndexFormatException(
          dir + ": texts take " + total + " bytes, more than one array holds");
    }
    byte[] all = new byte[(int) total];
    int pos = 0;
    for (ShardInfo s : m.shards(ShardKind.TEXTS)) {
      reads.add(new ShardRead(s, ShardSink.bytes(all, pos)));
      pos += (int) s.bytes();
    }
    return all;
  }

  /**
   * The texts as one lazily decoded list (verified shards are well-formed; a bad line fails on
   * use).
   */
  private static List<String> texts(Path dir, IndexManifest m, byte[] all) {
    int n = (int) m.count();
    int[] starts = new int[n + 1];
    int pos = 0;
    int line = 0;
    for (ShardInfo s : m.shards(ShardKind.TEXTS)) {
      int shardStart = pos;
      pos += (int) s.bytes();
      long linesBefore = line;
      for (int i = shardStart; i < pos; i++) {
        if (all[i] == '\n') {
          if (line == n) {
            throw new IndexFormatException(
                dir.resolve(s.file()) + ": more lines than the manifest's " + n + " rows");
          }
          starts[++line] = i + 1;
        }
      }
      if (pos > shardStart && all[pos - 1] != '\n') {
        throw new IndexFormatException(dir.resolve(s.file()) + ": the last line is not terminated");
      }
      if (line - linesBefore != s.rows()) {
        throw new IndexFormatException(
            dir.resolve(s.file())
                + ": expected "
                + s.rows()
                + " lines, found "
                + (line - linesBefore));
      }
    }
    return new JsonLineTexts(all, starts, dir.toString());
  }

  /**
   * A matrix whose arrays the shard reads fill; {@link #finish()} widens fp16 halves once they
   * have.
   */
  private record Matrix(VectorRows rows, short[] halves) {
    VectorRows finish() {
      if (halves != null) {
        float[] values = ((VectorRows.Floats) rows).values();
        for (int i = 0; i < values.length; i++) {
          values[i] = Float.float16ToFloat(halves[i]);
        }
      }
      return rows;
    }
  }

  /**
   * Allocates a matrix of {@code encoding} and queues the reads of its shards (and scales) into it.
   */
  private static Matrix matrix(
      IndexManifest m,
      ShardKind kind,
      ShardKind scaleKind,
      VectorEncoding encoding,
      int width,
      List<ShardRead> reads) {
    int n = (int) m.count();
    int bytesPerValue = encoding.bytesPerValue();
    if (encoding == VectorEncoding.INT8) {
      byte[] values = new byte[n * width];
      float[] scales = new float[n];
      for (ShardInfo s : rowShards(m.shards(kind), width * bytesPerValue)) {
        reads.add(new ShardRead(s, ShardSink.bytes(values, (int) s.firstRow() * width)));
      }
      for (ShardInfo s : rowShards(m.shards(scaleKind), Float.BYTES)) {
        reads.add(new ShardRead(s, ShardSink.floats(scales, (int) s.firstRow())));
      }
      return new Matrix(new VectorRows.Int8(values, scales, n, width), null);
    }
    float[] values = new float[n * width];
    short[] halves = encoding == VectorEncoding.FP16 ? new short[n * width] : null;
    for (ShardInfo s : rowShards(m.shards(kind), width * bytesPerValue)) {
      int first = (int) s.firstRow() * width;
      reads.add(
          new ShardRead(
              s,
              halves == null ? ShardSink.floats(values, first) : ShardSink.shorts(halves, first)));
    }
    return new Matrix(new VectorRows.Floats(values, n, width), halves);
  }

  /** The shards, each checked to hold {@code rowBytes} bytes for each of its rows. */
  private static List<ShardInfo> rowShards(List<ShardInfo> shards, long rowBytes) {
    for (ShardInfo s : shards) {
      if (s.bytes() != s.rows() * rowBytes) {
        throw new IndexFormatException(
            "shard "
                + s.file()
                + " should hold "
                + s.rows() * rowBytes
                + " bytes for its "
                + s.rows()
                + " rows, the manifest says "
                + s.bytes());
      }
    }
    return shards;
  }

  private static int checkedLength(Path dir, ShardInfo s) {
    if (s.bytes() > Integer.MAX_VALUE - 8) {
      throw new IndexFormatException(
          "shard " + dir.resolve(s.file()) + " is " + s.bytes() + " bytes, too big for ids");
    }
    return (int) s.bytes();
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

  private static void lines(Path dir, ShardInfo s, byte[] all, List<String> out) {
    String content = new String(all, StandardCharsets.UTF_8);
    int before = out.size();
    if (!content.isEmpty()) {
      if (!content.endsWith("\n")) {
        throw new IndexFormatException(dir.resolve(s.file()) + ": the last line is not terminated");
      }
      out.addAll(Arrays.asList(content.substring(0, content.length() - 1).split("\n", -1)));
    }
    if (out.size() - before != s.rows()) {
      throw new IndexFormatException(
          dir.resolve(s.file())
              + ": expected "
              + s.rows()
              + " lines, found "
              + (out.size() - before));
    }
  }
}
