package dev.d2llm.index;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** One shard being written: counts its rows and bytes and hashes them on the way to disk. */
final class ShardFile implements AutoCloseable {

  private final Path path;
  private final ShardKind kind;
  private final long firstRow;
  private final MessageDigest digest;
  private final OutputStream out;
  private long rows;
  private long bytes;

  ShardFile(Path dir, String file, ShardKind kind, long firstRow) {
    this.path = dir.resolve(file);
    this.kind = kind;
    this.firstRow = firstRow;
    this.digest = sha256();
    try {
      this.out =
          new DigestOutputStream(
              new BufferedOutputStream(Files.newOutputStream(path), 1 << 16), digest);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create shard " + path, e);
    }
  }

  void write(byte[] b, int len) {
    try {
      out.write(b, 0, len);
      bytes += len;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write shard " + path, e);
    }
  }

  void endRow() {
    rows++;
  }

  long rows() {
    return rows;
  }

  ShardInfo finish() {
    close();
    return new ShardInfo(
        path.getFileName().toString(),
        kind,
        firstRow,
        rows,
        bytes,
        HexFormat.of().formatHex(digest.digest()));
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close shard " + path, e);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
