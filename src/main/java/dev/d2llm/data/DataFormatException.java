package dev.d2llm.data;

import java.nio.file.Path;

/** A data file that does not hold what its format promises; the message names the file and line. */
public final class DataFormatException extends RuntimeException {

  private final transient Path file;
  private final long line;

  /** A problem at a 1-based line of a file; line 0 means the file as a whole. */
  public DataFormatException(Path file, long line, String message) {
    super(file + (line > 0 ? ":" + line : "") + ": " + message);
    this.file = file;
    this.line = line;
  }

  /** The file at fault. */
  public Path file() {
    return file;
  }

  /** The 1-based line at fault, or 0 when the problem is the file as a whole. */
  public long line() {
    return line;
  }
}
