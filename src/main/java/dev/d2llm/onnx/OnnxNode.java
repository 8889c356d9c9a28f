package dev.d2llm.onnx;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node of an ONNX graph: operator, name, value names in and out, and the attributes this
 * project reads (tensor values of Constant nodes, floats such as LayerNormalization's epsilon).
 */
public record OnnxNode(
    String name,
    String opType,
    List<String> inputs,
    List<String> outputs,
    Map<String, OnnxTensor> tensorAttributes,
    Map<String, Float> floatAttributes) {

  public OnnxNode {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    tensorAttributes = Map.copyOf(tensorAttributes);
    floatAttributes = Map.copyOf(floatAttributes);
  }

  /** Whether the node is of that operator type. */
  public boolean is(String op) {
    return opType.equals(op);
  }

  /** The tensor held by a Constant node's {@code value} attribute, if this is one. */
  public Optional<OnnxTensor> constantValue() {
    return is("Constant") ? Optional.ofNullable(tensorAttributes.get("value")) : Optional.empty();
  }
}
