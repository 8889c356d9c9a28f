package dev.d2llm.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DJL block whose parameters and children are registered under the names a Hugging Face
 * checkpoint uses ({@code encoder.layer.0.attention.self.query.weight}), so weights load by name.
 */
public abstract class NamedBlock extends AbstractBlock {

  private final Map<String, Parameter> ownParameters = new LinkedHashMap<>();
  private final Map<String, Shape> ownShapes = new LinkedHashMap<>();
  private final Map<String, NamedBlock> namedChildren = new LinkedHashMap<>();

  /** Registers a parameter of a fixed shape under its checkpoint name. */
  protected final Parameter parameter(String name, Parameter.Type type, Shape shape) {
    // DJL refuses setArray on a parameter built with a shape, so the shape is kept beside it.
    Parameter p = addParameter(Parameter.builder().setName(name).setType(type).build());
    ownParameters.put(name, p);
    ownShapes.put(name, shape);
    return p;
  }

  /** Registers a child block under its checkpoint name (a path segment such as {@code layer.0}). */
  protected final <B extends NamedBlock> B child(String name, B block) {
    addChildBlock(name.replace('.', '_'), block);
    namedChildren.put(name, block);
    return block;
  }

  /** Every parameter of this block and its children, keyed by full checkpoint name. */
  public final Map<String, Parameter> namedParameters() {
    Map<String, Parameter> all = new LinkedHashMap<>();
    collect("", all);
    return Collections.unmodifiableMap(all);
  }

  /** The shape each parameter must have, keyed like {@link #namedParameters()}. */
  public final Map<String, Shape> namedShapes() {
    Map<String, Shape> all = new LinkedHashMap<>();
    collectShapes("", all);
    return Collections.unmodifiableMap(all);
  }

  private void collect(String prefix, Map<String, Parameter> into) {
    ownParameters.forEach((n, p) -> into.put(prefix + n, p));
    namedChildren.forEach((n, c) -> c.collect(prefix + n + ".", into));
  }

  private void collectShapes(String prefix, Map<String, Shape> into) {
    ownShapes.forEach((n, s) -> into.put(prefix + n, s));
    namedChildren.forEach((n, c) -> c.collectShapes(prefix + n + ".", into));
  }

  /** The parameter's value on the device of {@code like}, through the store when training. */
  protected static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
    if (ps == null) {
      return p.getArray();
    }
    Device device = like.getDevice();
    return ps.getValue(p, device, training);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }

  /** The block's function on one input; blocks with several inputs override {@link #forwardInternal}. */
  protected NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " takes several inputs");
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }

  @Override
  public void prepare(Shape[] inputShapes) {
    // Shapes are fixed by the configuration at construction time.
  }
}
