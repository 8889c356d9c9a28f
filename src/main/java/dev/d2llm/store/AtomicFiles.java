package dev.d2llm.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whole-file writes: the content goes to a temporary file beside the target, is forced to disk, and
 * is renamed over the target in one step, so a reader or a crash sees the old file or the new one,
 * never a part.
 */
final class AtomicFiles {

  /** Writes one temporary file's content. */
  @FunctionalInterface
  interface Writer {
    void writeTo(Path temp) throws IOException;
  }

  private AtomicFiles() {}

  /** Copies {@code in} to {@code target}. */
  static void write(Path target, InputStream in) throws IOException {
    write(target, temp -> Files.copy(in, temp));
  }

  /** Writes {@code content} to {@code target}. */
  static void write(Path target, byte[] content) throws IOException {
    write(
        target,
        temp ->
            Files.write(temp, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
  }

  /** Copies the file {@code source} to {@code target}, streaming it. */
  static void copy(Path source, Path target) throws IOException {
    requireFile(source);
    write(target, temp -> Files.copy(source, temp));
  }

  /** Fails as an upload of a missing file does in every store. */
  static void requireFile(Path source) {
    if (!Files.isRegularFile(source)) {
      throw new UncheckedIOException(
          "cannot upload " + source + ": not a regular file",
          new NoSuchFileException(source.toString()));
    }
  }

  /** Whether a file name is one of the temporary files a write in progress leaves. */
  static boolean isTemporary(Path file) {
    return file.getFileName().toString().startsWith(ObjectKeys.TEMP_PREFIX);
  }

  /**
   * Lets {@code writer} fill a fresh temporary file beside {@code target}, then renames it over the
   * target.
   */
  static void write(Path target, Writer writer) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    // A name of our own rather than Files.createTempFile, which would give the final file mode
    // 0600.
    Path temp =
        dir.resolve(
            ObjectKeys.TEMP_PREFIX
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
    try {
      writer.writeTo(temp);
      // Without this, a crash soon after the rename can leave an empty file under the final name.
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
