package dev.d2llm.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes and reads mined training examples as JSONL, one example a line: {@code {"dataset":...,
 * "query":..., "positive":..., "negatives":[...]}}. Other fields are ignored.
 */
public final class TrainingExampleFiles {

  private TrainingExampleFiles() {}

  /**
   * Writes the examples in order, UTF-8, creating the parent folders; an existing file is replaced.
   */
  public static void write(Path file, Iterable<TrainingExample> examples) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        for (TrainingExample e : examples) {
          out.write(line(e));
          out.write('\n');
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write training examples to " + file, e);
    }
  }

  /** Reads every example of a file written by {@link #write}; a bad line fails naming it. */
  public static List<TrainingExample> read(Path file) {
    List<TrainingExample> examples = new ArrayList<>();
    JsonLines.forEach(file, (node, line) -> examples.add(example(file, line, node)));
    return examples;
  }

  private static TrainingExample example(Path file, long line, JsonNode node) {
    String dataset = JsonLines.string(file, line, node, "dataset");
    String query = JsonLines.string(file, line, node, "query");
    String positive = JsonLines.string(file, line, node, "positive");
    JsonNode array = node.get("negatives");
    if (array == null || !array.isArray()) {
      throw new DataFormatException(
          file,
          line,
          "expected an array of strings 'negatives', found "
              + (array == null ? "no such field" : array.toString()));
    }
    List<String> negatives = new ArrayList<>(array.size());
    for (JsonNode n : array) {
      if (!n.isTextual()) {
        throw new DataFormatException(
            file, line, "expected only strings in 'negatives', found " + n);
      }
      negatives.add(n.asText());
    }
    try {
      return new TrainingExample(dataset, query, positive, negatives);
    } catch (IllegalArgumentException e) {
      throw new DataFormatException(file, line, e.getMessage());
    }
  }

  private static String line(TrainingExample e) throws JsonProcessingException {
    ObjectNode node = JsonLines.JSON.createObjectNode();
    node.put("dataset", e.dataset());
    node.put("query", e.query());
    node.put("positive", e.positive());
    ArrayNode negatives = node.putArray("negatives");
    e.negatives().forEach(negatives::add);
    return JsonLines.JSON.writeValueAsString(node);
  }
}
