package dev.d2llm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/** {@code y = x Wᵀ + b} with {@code W} stored [out, in] as in PyTorch checkpoints. */
public class Linear extends NamedBlock {

  private final Parameter weight;
  private final Parameter bias;
  private final long outFeatures;

  public Linear(long inFeatures, long outFeatures, boolean withBias) {
    this.outFeatures = outFeatures;
    this.weight = parameter("weight", Parameter.Type.WEIGHT, new Shape(outFeatures, inFeatures));
    this.bias = withBias ? parameter("bias", Parameter.Type.BIAS, new Shape(outFeatures)) : null;
  }

  @Override
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    NDArray w = value(ps, weight, x, training);
    NDArray b = bias == null ? null : value(ps, bias, x, training);
    return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
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
