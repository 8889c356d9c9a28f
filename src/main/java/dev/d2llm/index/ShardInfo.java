package dev.d2llm.index;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One shard file of an index: what it holds, which rows, its size and its SHA-256 (lower-case hex).
 */
public record ShardInfo(
    String file, ShardKind kind, long firstRow, long rows, long bytes, String sha256) {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern FILE = Pattern.compile("[A-Za-z0-9._-]+");

  public ShardInfo {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(sha256, "sha256");
    if (!FILE.matcher(file).matches() || file.startsWith(".")) {
      throw new IllegalArgumentException(
          "shard file name '" + file + "' must be a plain name of [A-Za-z0-9._-]");
    }
    if (firstRow < 0 || rows < 0 || bytes < 0) {
      throw new IllegalArgumentException(
          "shard "
              + file
              + ": firstRow, rows and bytes must be >= 0, found "
              + firstRow
              + ", "
              + rows
              + ", "
              + bytes);
    }
    if (!SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException(
          "shard " + file + ": sha256 must be 64 lower-case hex digits, found '" + sha256 + "'");
    }
  }
}
