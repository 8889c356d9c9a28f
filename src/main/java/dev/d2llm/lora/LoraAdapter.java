package dev.d2llm.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import dev.d2llm.nn.NamedBlock;
import dev.d2llm.nn.ParameterInit;
import dev.d2llm.nn.Scalars;

/**
 * The low-rank update {@code scaling * B A x} of one projection, under PEFT's names ({@code
 * lora_A.weight} [r, in], {@code lora_B.weight} [out, r]); B starts at zero so an untrained adapter
 * leaves the projection unchanged.
 */
public final class LoraAdapter extends NamedBlock {

  private final Parameter a;
  private final Parameter b;
  private final float scaling;
  private final float dropout;

  public LoraAdapter(long in, long out, LoraConfig config) {
    this.a =
        parameter(
            "lora_A.weight",
            Parameter.Type.WEIGHT,
            new Shape(config.rank(), in),
            ParameterInit.KAIMING_UNIFORM);
    this.b =
        parameter(
            "lora_B.weight",
            Parameter.Type.WEIGHT,
            new Shape(out, config.rank()),
            ParameterInit.ZEROS);
    this.scaling = (float) config.scaling();
    this.dropout = (float) config.dropout();
  }

  /** The update to add to the projection's output for input {@code x} [.., in]. */
  @Override
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    NDArray in = training && dropout > 0 ? Dropout.dropout(x, dropout, true).singletonOrThrow() : x;
    NDArray down =
        in.getNDArrayInternal().linear(in, value(ps, a, x, training), null).singletonOrThrow();
    return Scalars.mul(
        down.getNDArrayInternal().linear(down, value(ps, b, x, training), null).singletonOrThrow(),
        scaling);
  }

  /** {@code scaling * B A} [out, in], the change merging makes to the projection's weight. */
  public NDArray weightDelta() {
    return Scalars.mul(b.getArray().matMul(a.getArray()), scaling);
  }
}
