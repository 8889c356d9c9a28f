package dev.d2llm.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A DJL block whose parameters and children are registered under the names a Hugging Face
 * checkpoint uses ({@code encoder.layer.0.attention.self.query.weight}), so weights load by name.
 */
public abstract class NamedBlock extends AbstractBlock {

  private final Map<String, Parameter> ownParameters = new LinkedHashMap<>();
  private final Map<String, Shape> ownShapes = new LinkedHashMap<>();
  private final Map<String, NamedBlock> namedChildren = new LinkedHashMap<>();
  private final Map<String, ParameterInit> ownInits = new LinkedHashMap<>();

  /**
   * Registers a parameter of a fixed shape under its checkpoint name, initialised by its type's
   * default.
   */
  protected final Parameter parameter(String name, Parameter.Type type, Shape shape) {
    return parameter(name, type, shape, ParameterInit.defaultFor(type));
  }

  /**
   * Registers a parameter of a fixed shape under its checkpoint name, with the initialisation it
   * needs when trained from scratch.
   */
  protected final Parameter parameter(
      String name, Parameter.Type type, Shape shape, ParameterInit init) {
    // DJL refuses setArray on a parameter built with a shape, so the shape is kept beside it.
    Parameter p = addParameter(Parameter.builder().setName(name).setType(type).build());
    ownParameters.put(name, p);
    ownShapes.put(name, shape);
    ownInits.put(name, init);
    return p;
  }

  /**
   * Gives every parameter that has no value yet its initial value, drawn on the host from a seeded
   * generator so that a seed means the same weights on every engine and device.
   */
  public final void initializeMissing(NDManager manager, long seed) {
    Random random = new Random(seed);
    initializeMissing("", manager, random);
  }

  private void initializeMissing(String prefix, NDManager manager, Random random) {
    for (Map.Entry<String, Parameter> e : ownParameters.entrySet()) {
      if (!e.getValue().isInitialized()) {
        Shape shape = ownShapes.get(e.getKey());
        NDArray array = manager.create(ownInits.get(e.getKey()).values(shape, random), shape);
        array.setName(prefix + e.getKey());
        e.getValue().setArray(array);
      }
    }
    namedChildren.forEach((n, c) -> c.initializeMissing(childPrefix(prefix, n), manager, random));
  }

  /** Registers a child block under its checkpoint name (a path segment such as {@code layer.0}). */
  protected final <B extends NamedBlock> B child(String name, B block) {
    addChildBlock(
        name.isEmpty() ? block.getClass().getSimpleName() : name.replace('.', '_'), block);
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
    namedChildren.forEach((n, c) -> c.collect(childPrefix(prefix, n), into));
  }

  private void collectShapes(String prefix, Map<String, Shape> into) {
    ownShapes.forEach((n, s) -> into.put(prefix + n, s));
    namedChildren.forEach((n, c) -> c.collectShapes(childPrefix(prefix, n), into));
  }

  // A child registered under "" adds its names to its parent's (LoRA's lora_A.weight beside
  // weight).
  private static String childPrefix(String prefix, String name) {
    return name.isEmpty() ? prefix : prefix + name + ".";
  }

  /** Every block in this tree, keyed by its full path ("" for this one). */
  public final Map<String, NamedBlock> namedBlocks() {
    Map<String, NamedBlock> all = new LinkedHashMap<>();
    collectBlocks("", all);
    return Collections.unmodifiableMap(all);
  }

  private void collectBlocks(String path, Map<String, NamedBlock> into) {
    into.putIfAbsent(path, this); // an adapter registered under "" keeps its host's path
    namedChildren.forEach(
        (n, c) -> c.collectBlocks(path.isEmpty() ? n : n.isEmpty() ? path : path + "." + n, into));
  }

  /** Unregisters a child added with {@link #child}, e.g. an adapter merged into its host. */
  protected final void removeChild(String name) {
    namedChildren.remove(name);
  }

  /**
   * The parameter's value on the device of {@code like}, through the store when training. Without a
   * store it is a view of the parameter in {@code like}'s scope: DJL attaches an op's result to its
   * first operand's manager, so an op led by the raw parameter (PMA's seed) would leave its result,
   * and the autograd graph behind it, in the model's long-lived manager at every step.
   */
  protected static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
    if (ps == null) {
      NDArray array = p.getArray();
      NDManager scope = like.getManager();
      if (array.getManager() == scope) {
        return array;
      }
      NDArray view = array.reshape(array.getShape()); // a view: gradients still reach the parameter
      view.attach(scope);
      return view;
    }
    Device device = like.getDevice();
    return ps.getValue(p, device, training);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(ps, inputs.singletonOrThrow(), training));
  }

  /**
   * The block's function on one input; blocks with several inputs override {@link
   * #forwardInternal}.
   */
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
