package dev.d2llm.backbone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.d2llm.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Typed reads from a parsed {@code config.json} whose errors name the key and the file. */
final class ConfigJson {

  private final JsonNode root;
  private final String source;

  ConfigJson(JsonNode root, String source) {
    this.root = root;
    this.source = source;
  }

  static ConfigJson read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException("no config.json at " + file);
    }
    try {
      return new ConfigJson(new ObjectMapper().readTree(file.toFile()), file.toString());
    } catch (IOException e) {
      throw new CheckpointException("cannot parse " + file + ": " + e.getMessage(), e);
    }
  }

  JsonNode root() {
    return root;
  }

  String source() {
    return source;
  }

  boolean has(String key) {
    return root.hasNonNull(key);
  }

  int requiredInt(String key) {
    JsonNode n = root.get(key);
    if (n == null || !n.canConvertToInt()) {
      throw new CheckpointException(source + ": expected integer '" + key + "', found " + n);
    }
    int v = n.intValue();
    if (v <= 0) {
      throw new CheckpointException(source + ": '" + key + "' must be positive, found " + v);
    }
    return v;
  }

  int intOr(String key, int fallback) {
    return has(key) ? requiredInt(key) : fallback;
  }

  double doubleOr(String key, double fallback) {
    JsonNode n = root.get(key);
    return n == null || n.isNull() ? fallback : n.asDouble();
  }

  boolean boolOr(String key, boolean fallback) {
    JsonNode n = root.get(key);
    return n == null || n.isNull() ? fallback : n.asBoolean();
  }

  String textOr(String key, String fallback) {
    JsonNode n = root.get(key);
    return n == null || n.isNull() ? fallback : n.asText();
  }
}
