package dev.d2llm.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * JSONL reading shared by the readers: one object a line, blank lines skipped, errors naming the
 * line.
 */
final class JsonLines {

  static final ObjectMapper JSON = new ObjectMapper();

  /** Receives one row of a JSONL file. */
  interface Row {
    void accept(JsonNode node, long line);
  }

  private JsonLines() {}

  static void forEach(Path file, Row row) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      long lineNo = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        if (lineNo == 1) {
          line = TextLines.stripBom(line);
        }
        if (!line.isBlank()) {
          row.accept(object(file, lineNo, line), lineNo);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static JsonNode object(Path file, long lineNo, String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new DataFormatException(file, lineNo, "not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new DataFormatException(
          file,
          lineNo,
          "expected a JSON object, found "
              + (node == null
                  ? "nothing"
                  : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
    }
    return node;
  }

  /** A required string field. */
  static String string(Path file, long line, JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new DataFormatException(
          file,
          line,
          "expected a string '"
              + field
              + "', found "
              + (v == null ? "no such field" : v.toString()));
    }
    return v.asText();
  }

  /** A string field that may be absent or null; empty then. */
  static String optionalString(Path file, long line, JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? "" : string(file, line, node, field);
  }
}
