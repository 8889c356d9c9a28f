package dev.d2llm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * Layer normalisation over the last axis with a learned scale and shift (BERT's {@code LayerNorm}).
 */
public class LayerNorm extends NamedBlock {

  private final Parameter weight;
  private final Parameter bias;
  private final Shape normalized;
  private final float eps;

  public LayerNorm(long size, double eps) {
    this.normalized = new Shape(size);
    this.eps = (float) eps;
    this.weight = parameter("weight", Parameter.Type.GAMMA, normalized);
    this.bias = parameter("bias", Parameter.Type.BETA, normalized);
  }

  @Override
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    return x.getNDArrayInternal()
        .layerNorm(x, normalized, value(ps, weight, x, training), value(ps, bias, x, training), eps)
        .singletonOrThrow();
  }
}
