package dev.d2llm.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * Root-mean-square normalisation (Llama, Qwen). As in the reference, the statistic is taken in
 * float32 whatever the compute type, and the scale is applied after casting back.
 */
public class RmsNorm extends NamedBlock {

  private final Parameter weight;
  private final float eps;

  public RmsNorm(long size, double eps) {
    this.eps = (float) eps;
    this.weight = parameter("weight", Parameter.Type.GAMMA, new Shape(size));
  }

  @Override
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    DataType in = x.getDataType();
    NDArray x32 = in == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
    NDArray variance = x32.square().mean(new int[] {-1}, true);
    NDArray normed = x32.mul(Scalars.pow(Scalars.add(variance, eps), -0.5));
    if (in != DataType.FLOAT32) {
      normed = normed.toType(in, false);
    }
    return normed.mul(value(ps, weight, x, training));
  }
}
