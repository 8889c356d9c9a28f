package dev.d2llm.checkpoint;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The JSON header of a safetensors file, parsed and checked against the size of the data section
 * that follows it, so that a reader never maps bytes the header got wrong.
 */
record SafetensorsHeader(Map<String, String> metadata, SortedMap<String, Entry> tensors) {

  /** Header key that holds free-form string metadata instead of a tensor. */
  static final String METADATA_KEY = "__metadata__";

  /**
   * A tensor's declared type and shape, and where its bytes lie relative to the data section's
   * start.
   */
  record Entry(TensorInfo info, long begin, long end) {}

  // Duplicate keys would silently let the last entry win; the Rust reader rejects them, so do we.
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /**
   * Parses {@code json} and checks every entry against a data section of {@code dataLength} bytes;
   * {@code where} names the file in error messages.
   */
  static SafetensorsHeader parse(byte[] json, long dataLength, String where) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JacksonException e) {
      throw new CheckpointException(
          where + ": header is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (java.io.IOException e) {
      throw new CheckpointException(where + ": cannot read header: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new CheckpointException(
          where + ": header must be a JSON object, found " + describe(root));
    }
    Map<String, String> metadata = Map.of();
    SortedMap<String, Entry> tensors = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().equals(METADATA_KEY)) {
        metadata = parseMetadata(field.getValue(), where);
      } else {
        tensors.put(
            field.getKey(), parseEntry(field.getKey(), field.getValue(), dataLength, where));
      }
    }
    checkNoOverlap(tensors, where);
    return new SafetensorsHeader(metadata, Collections.unmodifiableSortedMap(tensors));
  }

  private static Map<String, String> parseMetadata(JsonNode node, String where) {
    if (!node.isObject()) {
      throw new CheckpointException(
          where + ": " + METADATA_KEY + " must be an object of strings, found " + describe(node));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new CheckpointException(
            where
                + ": "
                + METADATA_KEY
                + " value for '"
                + e.getKey()
                + "' must be a string, found "
                + describe(e.getValue()));
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return Collections.unmodifiableMap(out);
  }

  private static Entry parseEntry(String name, JsonNode node, long dataLength, String where) {
    String at = where + ": tensor '" + name + "'";
    if (!node.isObject()) {
      throw new CheckpointException(
          at + " must be an object with dtype, shape and data_offsets, found " + describe(node));
    }
    JsonNode dtypeNode = node.get("dtype");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw new CheckpointException(at + " needs a string 'dtype', found " + describe(dtypeNode));
    }
    TensorDType dtype;
    try {
      dtype = TensorDType.fromSafetensors(dtypeNode.textValue());
    } catch (CheckpointException e) {
      throw new CheckpointException(at + ": " + e.getMessage(), e);
    }
    long[] shape = longs(node.get("shape"), -1, at, "shape");
    long[] offsets = longs(node.get("data_offsets"), 2, at, "data_offsets");
    long begin = offsets[0];
    long end = offsets[1];
    if (begin > end) {
      throw new CheckpointException(
          at + " has data_offsets [" + begin + ", " + end + "] with begin after end");
    }
    if (end > dataLength) {
      throw new CheckpointException(
          at
              + " has data_offsets ["
              + begin
              + ", "
              + end
              + "] beyond the data section of "
              + dataLength
              + " bytes");
    }
    TensorInfo info;
    long expected;
    try {
      info = new TensorInfo(name, dtype, shape);
      expected = info.byteSize();
    } catch (ArithmeticException e) {
      throw new CheckpointException(
          at + " has shape " + Arrays.toString(shape) + " whose size overflows", e);
    }
    if (end - begin != expected) {
      throw new CheckpointException(
          at
              + " is "
              + dtype
              + Arrays.toString(shape)
              + ", which needs "
              + expected
              + " bytes, but data_offsets ["
              + begin
              + ", "
              + end
              + "] span "
              + (end - begin));
    }
    return new Entry(info, begin, end);
  }

  private static long[] longs(JsonNode node, int requiredLength, String at, String key) {
    String wanted =
        requiredLength < 0
            ? "an array of non-negative integers"
            : "an array of " + requiredLength + " non-negative integers";
    if (node == null || !node.isArray() || (requiredLength >= 0 && node.size() != requiredLength)) {
      throw new CheckpointException(
          at + " needs '" + key + "' as " + wanted + ", found " + describe(node));
    }
    long[] out = new long[node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = node.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
        throw new CheckpointException(at + " needs '" + key + "' as " + wanted + ", found " + node);
      }
      out[i] = v.longValue();
    }
    return out;
  }

  private static void checkNoOverlap(Map<String, Entry> tensors, String where) {
    List<Entry> byOffset = new ArrayList<>(tensors.values());
    byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    for (int i = 1; i < byOffset.size(); i++) {
      Entry prev = byOffset.get(i - 1);
      Entry next = byOffset.get(i);
      if (next.begin() < prev.end()) {
        throw new CheckpointException(
            where
                + ": tensors '"
                + prev.info().name()
                + "' ["
                + prev.begin()
                + ", "
                + prev.end()
                + ") and '"
                + next.info().name()
                + "' ["
                + next.begin()
                + ", "
                + next.end()
                + ") overlap");
      }
    }
  }

  private static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    String text = node.toString();
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }
}
