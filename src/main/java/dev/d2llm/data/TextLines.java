package dev.d2llm.data;

/** Line clean-up shared by the readers: files written on Windows or with a byte-order mark. */
final class TextLines {

  private TextLines() {}

  static String stripCr(String line) {
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  static String stripBom(String line) {
    return line.startsWith("\uFEFF") ? line.substring(1) : line;
  }
}
