package dev.d2llm.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The index's table of contents, {@code manifest.json}: format version, the model that encoded it,
 * dimensions, row count, encodings and every shard with its SHA-256. It is written after all
 * shards, so an index without a manifest is an index still being written.
 */
public record IndexManifest(
    int formatVersion,
    String version,
    String created,
    ModelIdentity model,
    int dimension,
    int projectionWidth,
    long count,
    VectorEncoding vectorEncoding,
    VectorEncoding projectionEncoding,
    List<ShardInfo> shards) {

  /** The only format this build reads and writes. */
  public static final int FORMAT_VERSION = 1;

  /** The manifest's file name inside a version. */
  public static final String FILE = "manifest.json";

  private static final String FORMAT = "d2llm-index";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public IndexManifest {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(vectorEncoding, "vectorEncoding");
    Objects.requireNonNull(projectionEncoding, "projectionEncoding");
    shards = List.copyOf(shards);
    if (formatVersion != FORMAT_VERSION) {
      throw new IndexFormatException(
          "index format version "
              + formatVersion
              + " is not supported: this build reads "
              + FORMAT_VERSION);
    }
    if (dimension <= 0 || projectionWidth <= 0 || count < 0) {
      throw new IndexFormatException(
          "dimension and projectionWidth must be > 0 and count >= 0, found "
              + dimension
              + ", "
              + projectionWidth
              + ", "
              + count);
    }
    if (count * Math.max(dimension, projectionWidth) > Integer.MAX_VALUE - 8) {
      throw new IndexFormatException(
          count
              + " rows of width "
              + Math.max(dimension, projectionWidth)
              + " do not fit one in-memory matrix; split the corpus into several indexes");
    }
    for (ShardKind kind : ShardKind.values()) {
      checkCoverage(kind, shards, count, expected(kind, vectorEncoding, projectionEncoding));
    }
  }

  /** The shards of one kind, in row order. */
  public List<ShardInfo> shards(ShardKind kind) {
    return shards.stream()
        .filter(s -> s.kind() == kind)
        .sorted((a, b) -> Long.compare(a.firstRow(), b.firstRow()))
        .toList();
  }

  /** Total bytes of every shard. */
  public long totalBytes() {
    return shards.stream().mapToLong(ShardInfo::bytes).sum();
  }

  private static boolean expected(
      ShardKind kind, VectorEncoding vectors, VectorEncoding projection) {
    return switch (kind) {
      case VECTOR_SCALES -> vectors == VectorEncoding.INT8;
      case PROJECTION_SCALES -> projection == VectorEncoding.INT8;
      default -> true;
    };
  }

  private static void checkCoverage(
      ShardKind kind, List<ShardInfo> shards, long count, boolean expected) {
    long next = 0;
    List<ShardInfo> ofKind =
        shards.stream()
            .filter(s -> s.kind() == kind)
            .sorted((a, b) -> Long.compare(a.firstRow(), b.firstRow()))
            .toList();
    if (!expected) {
      if (!ofKind.isEmpty()) {
        throw new IndexFormatException(
            "the manifest lists " + kind.label() + " shards its encodings do not use");
      }
      return;
    }
    for (ShardInfo s : ofKind) {
      if (s.firstRow() != next) {
        throw new IndexFormatException(
            kind.label()
                + " shard "
                + s.file()
                + " starts at row "
                + s.firstRow()
                + ", expected "
                + next
                + " (a gap or an overlap)");
      }
      next += s.rows();
    }
    if (next != count) {
      throw new IndexFormatException(
          kind.label() + " shards cover " + next + " rows, the manifest says " + count);
    }
  }

  /** The manifest as JSON bytes. */
  public byte[] toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("formatVersion", formatVersion);
    root.put("version", version);
    root.put("created", created);
    ObjectNode m = root.putObject("model");
    m.put("reference", model.reference());
    m.put("base", model.base());
    m.put("sha256", model.sha256());
    root.put("dimension", dimension);
    root.put("projectionWidth", projectionWidth);
    root.put("count", count);
    root.put("vectorEncoding", vectorEncoding.label());
    root.put("projectionEncoding", projectionEncoding.label());
    root.put("similarity", "cosine");
    ArrayNode list = root.putArray("shards");
    for (ShardInfo s : shards) {
      ObjectNode o = list.addObject();
      o.put("file", s.file());
      o.put("kind", s.kind().label());
      o.put("firstRow", s.firstRow());
      o.put("rows", s.rows());
      o.put("bytes", s.bytes());
      o.put("sha256", s.sha256());
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise the manifest", e);
    }
  }

  /** Parses manifest JSON; {@code source} names where it came from in error messages. */
  public static IndexManifest parse(byte[] json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IndexFormatException(source + ": not valid JSON (" + e.getMessage() + ")");
    }
    try {
      if (root == null || !FORMAT.equals(root.path("format").asText())) {
        throw new IndexFormatException(
            "expected \"format\": \""
                + FORMAT
                + "\", found "
                + (root == null ? "nothing" : root.path("format")));
      }
      JsonNode m = required(root, "model");
      List<ShardInfo> shards = new ArrayList<>();
      for (JsonNode s : required(root, "shards")) {
        shards.add(
            new ShardInfo(
                text(s, "file"),
                ShardKind.parse(text(s, "kind")),
                number(s, "firstRow"),
                number(s, "rows"),
                number(s, "bytes"),
                text(s, "sha256")));
      }
      return new IndexManifest(
          (int) number(root, "formatVersion"),
          text(root, "version"),
          text(root, "created"),
          new ModelIdentity(text(m, "reference"), text(m, "base"), text(m, "sha256")),
          (int) number(root, "dimension"),
          (int) number(root, "projectionWidth"),
          number(root, "count"),
          VectorEncoding.parse(text(root, "vectorEncoding")),
          VectorEncoding.parse(text(root, "projectionEncoding")),
          shards);
    } catch (IllegalArgumentException e) {
      throw new IndexFormatException(source + ": " + e.getMessage());
    }
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new IndexFormatException("missing field '" + field + "'");
    }
    return v;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = required(node, field);
    if (!v.isTextual()) {
      throw new IndexFormatException("field '" + field + "' must be a string, found " + v);
    }
    return v.asText();
  }

  private static long number(JsonNode node, String field) {
    JsonNode v = required(node, field);
    if (!v.isIntegralNumber()) {
      throw new IndexFormatException("field '" + field + "' must be an integer, found " + v);
    }
    return v.asLong();
  }
}
