package dev.d2llm.onnx;

import dev.d2llm.checkpoint.CheckpointException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed view of an ONNX model's graph: initializers by name, nodes in file order, and the
 * graph's input and output names. Initializer bytes stay in the memory-mapped file where possible.
 */
public final class OnnxModel {

  private final Map<String, OnnxTensor> initializers;
  private final List<OnnxNode> nodes;
  private final List<String> inputs;
  private final List<String> outputs;
  private final Map<String, OnnxNode> producers = new HashMap<>();
  private final Map<String, List<OnnxNode>> consumers = new HashMap<>();

  /** A model from already parsed parts; graph inputs and outputs are value names. */
  public OnnxModel(
      Map<String, OnnxTensor> initializers,
      List<OnnxNode> nodes,
      List<String> inputs,
      List<String> outputs) {
    this.initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
    this.nodes = List.copyOf(nodes);
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    for (OnnxNode n : this.nodes) {
      for (String out : n.outputs()) {
        producers.put(out, n);
      }
      for (String in : n.inputs()) {
        consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
      }
    }
  }

  /**
   * Maps and parses an {@code .onnx} file. Fails with a {@link CheckpointException} when the file
   * is not a model protobuf or keeps its weights in external data files.
   */
  public static OnnxModel read(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        // Protobuf caps a message at 2 GiB; larger exports always use external data.
        throw new CheckpointException(
            file
                + " is "
                + size
                + " bytes; expected an ONNX file under 2 GiB (external data is not supported)");
      }
      // The mapping outlives the channel; tensors keep views into it until they are collected.
      MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
      return OnnxProtoReader.readModel(buf, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read ONNX file " + file, e);
    }
  }

  /** Initializers by name, in file order. */
  public Map<String, OnnxTensor> initializers() {
    return initializers;
  }

  /** Nodes in file (topological) order. */
  public List<OnnxNode> nodes() {
    return nodes;
  }

  /** Names of the graph's inputs (may include initializers in old exports). */
  public List<String> inputs() {
    return inputs;
  }

  /** Names of the graph's outputs. */
  public List<String> outputs() {
    return outputs;
  }

  /** The node that produces a value, if any (graph inputs and initializers have none). */
  public Optional<OnnxNode> producer(String value) {
    return Optional.ofNullable(producers.get(value));
  }

  /** The nodes that read a value, in graph order. */
  public List<OnnxNode> consumers(String value) {
    return consumers.getOrDefault(value, List.of());
  }

  /** A value known without running the graph: an initializer or the output of a Constant node. */
  public Optional<OnnxTensor> constant(String value) {
    OnnxTensor init = initializers.get(value);
    if (init != null) {
      return Optional.of(init);
    }
    return producer(value).flatMap(OnnxNode::constantValue);
  }

  /** Nodes of one operator type, in graph order. */
  public List<OnnxNode> nodesOfType(String op) {
    return nodes.stream().filter(n -> n.is(op)).toList();
  }
}
