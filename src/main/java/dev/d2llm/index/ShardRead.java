package dev.d2llm.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One shard file read once, in chunks that go through SHA-256 and on into a {@link ShardSink}. A
 * file missing, of another size than the manifest's or with another hash is refused with an {@link
 * IndexFormatException}; the sink's array is then not to be used.
 */
record ShardRead(ShardInfo shard, ShardSink sink) {

  /** A multiple of every element size, large enough that a read costs little beyond its copy. */
  private static final int CHUNK = 1 << 20;

  /**
   * Runs every read, as many side by side as there are cores, largest first. All reads have stopped
   * when this returns or throws; the first failure is the one thrown.
   */
  static void readAll(Path dir, List<ShardRead> reads) {
    List<ShardRead> bySize = new ArrayList<>(reads);
    bySize.sort(Comparator.comparingLong((ShardRead r) -> r.shard().bytes()).reversed());
    int threads = Math.min(Runtime.getRuntime().availableProcessors(), bySize.size());
    if (threads <= 1) {
      bySize.forEach(r -> r.run(dir));
      return;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "shard-read");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> running = new ArrayList<>();
      for (ShardRead r : bySize) {
        running.add(pool.submit(() -> r.run(dir)));
      }
      RuntimeException first = null;
      for (Future<?> f : running) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (first == null) {
            first =
                e.getCause() instanceof RuntimeException r
                    ? r
                    : new IllegalStateException(e.getCause());
          }
        }
      }
      if (first != null) {
        throw first;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the index in " + dir, e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Reads the shard from {@code dir} into the sink, then checks its SHA-256. */
  void run(Path dir) {
    Path file = dir.resolve(shard.file());
    if (!Files.isRegularFile(file)) {
      throw new IndexFormatException("shard " + file + " is missing");
    }
    MessageDigest digest = ShardFile.sha256();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size != shard.bytes()) {
        throw new IndexFormatException(
            "shard "
                + file
                + " has "
                + size
                + " bytes, the manifest says "
                + shard.bytes()
                + " (incomplete or altered)");
      }
      byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(size, 1))];
      ByteBuffer buffer = ByteBuffer.wrap(chunk);
      for (long offset = 0; offset < size; ) {
        buffer.clear().limit((int) Math.min(chunk.length, size - offset));
        while (buffer.hasRemaining()) {
          if (ch.read(buffer, offset + buffer.position()) < 0) {
            throw new IndexFormatException(
                "shard "
                    + file
                    + " ended at byte "
                    + (offset + buffer.position())
                    + " while being read; the manifest says "
                    + shard.bytes());
          }
        }
        int length = buffer.position();
        digest.update(chunk, 0, length);
        sink.put(chunk, length, offset);
        offset += length;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read shard " + file, e);
    }
    String actual = HexFormat.of().formatHex(digest.digest());
    if (!actual.equals(shard.sha256())) {
      throw new IndexFormatException(
          "shard "
              + file
              + " has SHA-256 "
              + actual
              + ", the manifest says "
              + shard.sha256()
              + " (corrupt or altered)");
    }
  }
}
