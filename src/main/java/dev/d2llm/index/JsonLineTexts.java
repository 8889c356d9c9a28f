package dev.d2llm.index;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * Passage texts kept as the shard's raw JSON lines and decoded one at a time when a hit needs its
 * text: opening an index then costs a scan for line breaks, not 100,000 JSON parses.
 */
final class JsonLineTexts extends AbstractList<String> implements RandomAccess {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final byte[] bytes;
  private final int[] starts;
  private final String source;

  /**
   * {@code bytes} holds {@code starts.length - 1} newline-terminated lines; line i spans
   * starts[i]..starts[i+1]-1.
   */
  JsonLineTexts(byte[] bytes, int[] starts, String source) {
    this.bytes = bytes;
    this.starts = starts;
    this.source = source;
  }

  @Override
  public String get(int index) {
    int from = starts[index];
    int length = starts[index + 1] - 1 - from;
    try {
      return JSON.readValue(bytes, from, length, String.class);
    } catch (IOException e) {
      throw new IndexFormatException(source + ": line " + (index + 1) + " is not a JSON string");
    }
  }

  @Override
  public int size() {
    return starts.length - 1;
  }
}
