package dev.d2llm.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A checkpoint split over several safetensors files, as the Hub stores large models: a {@code
 * model.safetensors.index.json} maps each tensor name to the shard that holds it.
 */
public final class ShardedSafetensors implements TensorSource {

  /** File name of the index the Hub uses for sharded checkpoints. */
  public static final String INDEX_FILE = "model.safetensors.index.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path index;
  private final Map<String, String> metadata;
  private final SortedMap<String, SafetensorsFile> byTensor;
  private final Map<String, SafetensorsFile> shards;

  private ShardedSafetensors(
      Path index,
      Map<String, String> metadata,
      SortedMap<String, SafetensorsFile> byTensor,
      Map<String, SafetensorsFile> shards) {
    this.index = index;
    this.metadata = metadata;
    this.byTensor = byTensor;
    this.shards = shards;
  }

  /**
   * Opens the index at {@code indexFile} and every shard it names, checking that each shard holds
   * its tensors.
   */
  public static ShardedSafetensors open(Path indexFile) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(indexFile));
    } catch (IOException e) {
      throw new CheckpointException(
          indexFile + ": cannot read safetensors index: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new CheckpointException(indexFile + ": safetensors index must be a JSON object");
    }
    JsonNode weightMap = root.get("weight_map");
    if (weightMap == null || !weightMap.isObject()) {
      throw new CheckpointException(indexFile + ": safetensors index has no 'weight_map' object");
    }
    Path dir = indexFile.toAbsolutePath().getParent();
    Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
    try {
      SortedMap<String, SafetensorsFile> byTensor = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String tensor = e.getKey();
        String shardName = e.getValue().asText();
        SafetensorsFile shard = shards.get(shardName);
        if (shard == null) {
          shard = openShard(indexFile, dir, tensor, shardName);
          shards.put(shardName, shard);
        }
        if (!shard.contains(tensor)) {
          throw new CheckpointException(
              indexFile
                  + " maps tensor '"
                  + tensor
                  + "' to shard "
                  + shardName
                  + ", which has no such tensor");
        }
        byTensor.put(tensor, shard);
      }
      return new ShardedSafetensors(
          indexFile,
          readMetadata(root.get("metadata")),
          Collections.unmodifiableSortedMap(byTensor),
          shards);
    } catch (RuntimeException e) {
      shards.values().forEach(SafetensorsFile::close);
      throw e;
    }
  }

  /** The index file this checkpoint was opened from. */
  public Path index() {
    return index;
  }

  /** The index's {@code metadata} entries as text, e.g. {@code total_size}. */
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public Set<String> names() {
    return byTensor.keySet();
  }

  @Override
  public TensorInfo info(String name) {
    return shardOf(name).info(name);
  }

  @Override
  public ByteBuffer bytes(String name) {
    return shardOf(name).bytes(name);
  }

  @Override
  public Optional<ByteBuffer> privateMapping(String name) {
    return shardOf(name).privateMapping(name);
  }

  @Override
  public void close() {
    shards.values().forEach(SafetensorsFile::close);
  }

  @Override
  public String toString() {
    return "ShardedSafetensors["
        + index
        + ", "
        + shards.size()
        + " shards, "
        + byTensor.size()
        + " tensors]";
  }

  private SafetensorsFile shardOf(String name) {
    SafetensorsFile shard = byTensor.get(name);
    if (shard == null) {
      throw new CheckpointException(index + ": no tensor named '" + name + "' in the weight_map");
    }
    return shard;
  }

  private static SafetensorsFile openShard(
      Path indexFile, Path dir, String tensor, String shardName) {
    Path shardPath = dir.resolve(shardName).normalize();
    // A weight_map entry must name a file next to the index, not a path elsewhere on disk.
    if (!shardPath.getParent().equals(dir.normalize()) || !Files.isRegularFile(shardPath)) {
      throw new CheckpointException(
          indexFile
              + " maps tensor '"
              + tensor
              + "' to shard '"
              + shardName
              + "', but no such file exists in "
              + dir);
    }
    return SafetensorsFile.open(shardPath);
  }

  private static Map<String, String> readMetadata(JsonNode node) {
    if (node == null || !node.isObject()) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asText());
    }
    return Collections.unmodifiableMap(out);
  }
}
