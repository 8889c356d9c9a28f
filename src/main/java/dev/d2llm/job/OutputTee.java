package dev.d2llm.job;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Copies everything the process prints to stdout and stderr into a log file as well, while a step
 * runs in this process; closing it restores the streams. The last line printed to stdout is kept,
 * since a step reports its figures there.
 */
final class OutputTee implements AutoCloseable {

  private final PrintStream out;
  private final PrintStream err;
  private final OutputStream log;
  private final LastLine lastLine = new LastLine();

  OutputTee(Path logFile) {
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      this.log = new FileOutputStream(logFile.toFile(), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the step log " + logFile, e);
    }
    this.out = System.out;
    this.err = System.err;
    System.setOut(new PrintStream(new Tee(out, log, lastLine), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new Tee(err, log, null), true, StandardCharsets.UTF_8));
  }

  /** The last non-empty line printed to stdout so far. */
  String lastLine() {
    return lastLine.text();
  }

  @Override
  public void close() {
    System.out.flush();
    System.err.flush();
    System.setOut(out);
    System.setErr(err);
    try {
      log.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class Tee extends OutputStream {
    private final OutputStream console;
    private final OutputStream log;
    private final LastLine lastLine;

    Tee(OutputStream console, OutputStream log, LastLine lastLine) {
      this.console = console;
      this.log = log;
      this.lastLine = lastLine;
    }

    @Override
    public synchronized void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      console.write(b, off, len);
      log.write(b, off, len);
      if (lastLine != null) {
        lastLine.append(b, off, len);
      }
    }

    @Override
    public synchronized void flush() throws IOException {
      console.flush();
      log.flush();
    }
  }

  private static final class LastLine {
    private final StringBuilder current = new StringBuilder();
    private String last = "";

    synchronized void append(byte[] b, int off, int len) {
      current.append(new String(b, off, len, StandardCharsets.UTF_8));
      int nl;
      while ((nl = current.indexOf("\n")) >= 0) {
        String line = current.substring(0, nl).strip();
        if (!line.isEmpty()) {
          last = line;
        }
        current.delete(0, nl + 1);
      }
    }

    synchronized String text() {
      String pending = current.toString().strip();
      return pending.isEmpty() ? last : pending;
    }
  }
}
