package dev.d2llm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/** {@code y = x Wᵀ + b} with {@code W} stored [out, in] as in PyTorch checkpoints. */
public class Linear extends NamedBlock {

  private final Parameter weight;
  private final Parameter bias;
  private final long inFeatures;
  private final long outFeatures;
  private NamedBlock adapter;

  public Linear(long inFeatures, long outFeatures, boolean withBias) {
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = parameter("weight", Parameter.Type.WEIGHT, new Shape(outFeatures, inFeatures));
    this.bias = withBias ? parameter("bias", Parameter.Type.BIAS, new Shape(outFeatures)) : null;
  }

  @Override
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    NDArray w = value(ps, weight, x, training);
    NDArray b = bias == null ? null : value(ps, bias, x, training);
    NDArray y = x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
    return adapter == null ? y : y.add(adapter.apply(ps, x, training));
  }

  /**
   * Adds {@code update}'s output to this projection's (a LoRA adapter); its parameters join this
   * block's names, as PEFT saves them ({@code q_proj.lora_A.weight}).
   */
  public void attachAdapter(NamedBlock update) {
    if (adapter != null) {
      throw new IllegalStateException("an adapter is already attached");
    }
    adapter = child("", update);
  }

  /** The attached adapter, or null. */
  public NamedBlock adapter() {
    return adapter;
  }

  /** Adds {@code delta} [out, in] to the weight in place and drops the adapter it came from. */
  public void mergeAdapter(NDArray delta) {
    if (adapter == null) {
      throw new IllegalStateException("no adapter to merge");
    }
    weight.getArray().addi(delta.toType(weight.getArray().getDataType(), false));
    removeChild("");
    adapter = null;
  }

  /** The weight [out, in] as loaded or trained. */
  public NDArray weightArray() {
    return weight.getArray();
  }

  /** The bias [out], or null when the projection has none. */
  public NDArray biasArray() {
    return bias == null ? null : bias.getArray();
  }

  /** Input features. */
  public long inFeatures() {
    return inFeatures;
  }

  /** Output features. */
  public long outFeatures() {
    return outFeatures;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] in) {
    Shape s = in[0];
    return new Shape[] {s.slice(0, s.dimension() - 1).add(outFeatures)};
  }
}
