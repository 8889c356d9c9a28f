package dev.d2llm.index;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.d2llm.embedding.SentenceEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes one index version into a local directory, row by row: vectors are L2-normalised then
 * stored in the chosen encoding, projections as given, ids and texts as lines. Every shard holds at
 * most {@code rowsPerShard} rows; {@link #finish} writes {@code manifest.json} last.
 */
public final class IndexWriter implements AutoCloseable {

  /** Rows per shard unless told otherwise: 32,768 fp32 vectors of 384 numbers are 48 MiB. */
  public static final int DEFAULT_ROWS_PER_SHARD = 32_768;

  private static final byte[] NEWLINE = {'\n'};

  private final Path dir;
  private final int dimension;
  private final int projectionWidth;
  private final VectorEncoding vectorEncoding;
  private final VectorEncoding projectionEncoding;
  private final int rowsPerShard;
  private final Map<ShardKind, ShardFile> open = new EnumMap<>(ShardKind.class);
  private final List<ShardInfo> done = new ArrayList<>();
  private final ByteBuffer buffer;
  private long count;
  private boolean finished;

  public IndexWriter(
      Path dir,
      int dimension,
      int projectionWidth,
      VectorEncoding vectorEncoding,
      VectorEncoding projectionEncoding,
      int rowsPerShard) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.vectorEncoding = Objects.requireNonNull(vectorEncoding, "vectorEncoding");
    this.projectionEncoding = Objects.requireNonNull(projectionEncoding, "projectionEncoding");
    if (dimension <= 0 || projectionWidth <= 0 || rowsPerShard <= 0) {
      throw new IllegalArgumentException(
          "dimension, projectionWidth and rowsPerShard must be > 0, found "
              + dimension
              + ", "
              + projectionWidth
              + ", "
              + rowsPerShard);
    }
    this.dimension = dimension;
    this.projectionWidth = projectionWidth;
    this.rowsPerShard = rowsPerShard;
    this.buffer =
        ByteBuffer.allocate(4 * Math.max(dimension, projectionWidth))
            .order(ByteOrder.LITTLE_ENDIAN);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  /** Appends one passage. The id must not contain a line break; the vector is normalised here. */
  public void add(String id, String text, float[] vector, float[] projection) {
    if (finished) {
      throw new IllegalStateException("the index is finished");
    }
    if (id.isEmpty() || id.indexOf('\n') >= 0 || id.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(
          "passage id must be non-empty and on one line, found '" + id + "'");
    }
    if (vector.length != dimension || projection.length != projectionWidth) {
      throw new IllegalArgumentException(
          "expected a vector of "
              + dimension
              + " and a projection of "
              + projectionWidth
              + ", found "
              + vector.length
              + " and "
              + projection.length);
    }
    writeMatrixRow(
        ShardKind.VECTORS, ShardKind.VECTOR_SCALES, vectorEncoding, SentenceEncoder.unit(vector));
    writeMatrixRow(
        ShardKind.PROJECTION, ShardKind.PROJECTION_SCALES, projectionEncoding, projection);
    writeLine(ShardKind.IDS, id.getBytes(StandardCharsets.UTF_8));
    byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(text);
    byte[] json = new byte[quoted.length + 2];
    json[0] = '"';
    System.arraycopy(quoted, 0, json, 1, quoted.length);
    json[json.length - 1] = '"';
    writeLine(ShardKind.TEXTS, json);
    count++;
  }

  /** Closes the shards and writes {@code manifest.json}; returns it. */
  public IndexManifest finish(String version, String created, ModelIdentity model) {
    for (ShardFile f : open.values()) {
      done.add(f.finish());
    }
    open.clear();
    finished = true;
    IndexManifest manifest =
        new IndexManifest(
            IndexManifest.FORMAT_VERSION,
            version,
            created,
            model,
            dimension,
            projectionWidth,
            count,
            vectorEncoding,
            projectionEncoding,
            done);
    try {
      Files.write(dir.resolve(IndexManifest.FILE), manifest.toJson());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(IndexManifest.FILE), e);
    }
    return manifest;
  }

  /** Rows added so far. */
  public long count() {
    return count;
  }

  private void writeMatrixRow(
      ShardKind kind, ShardKind scaleKind, VectorEncoding encoding, float[] row) {
    buffer.clear();
    switch (encoding) {
      case FP32 -> {
        for (float v : row) {
          buffer.putFloat(v);
        }
      }
      case FP16 -> {
        for (float v : row) {
          buffer.putShort(Float.floatToFloat16(v));
        }
      }
      case INT8 -> {
        float scale = Int8Rows.scale(row);
        for (float v : row) {
          buffer.put(Int8Rows.quantize(v, scale));
        }
        ByteBuffer s = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(scale);
        ShardFile scales = shard(scaleKind);
        scales.write(s.array(), 4);
        scales.endRow();
      }
    }
    ShardFile f = shard(kind);
    f.write(buffer.array(), buffer.position());
    f.endRow();
  }

  private void writeLine(ShardKind kind, byte[] line) {
    ShardFile f = shard(kind);
    f.write(line, line.length);
    f.write(NEWLINE, 1);
    f.endRow();
  }

  /** The open shard of a kind, rolling over to a new file when the current one is full. */
  private ShardFile shard(ShardKind kind) {
    ShardFile f = open.get(kind);
    if (f != null && f.rows() == rowsPerShard) {
      done.add(f.finish());
      f = null;
    }
    if (f == null) {
      long shardNo = count / rowsPerShard;
      String file =
          String.format(
              "%s-%05d.%s",
              kind.label().replace('_', '-'),
              shardNo,
              kind == ShardKind.IDS ? "txt" : kind == ShardKind.TEXTS ? "jsonl" : "bin");
      f = new ShardFile(dir, file, kind, count);
      open.put(kind, f);
    }
    return f;
  }

  @Override
  public void close() {
    for (ShardFile f : open.values()) {
      f.close();
    }
    open.clear();
  }
}
