package dev.d2llm.student;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.d2llm.embedding.Pooling;
import dev.d2llm.nn.NamedBlock;
import dev.d2llm.nn.ParameterInit;

/**
 * A residual student's pooling: the backbone's native pooling, unit length, plus PMA's vector
 * scaled per dimension by a gate that starts at zero, {@code e = unit(native(H)) + gate ⊙ PMA(H)}.
 * Untrained, the student's vectors are its backbone's zero-shot ones; PMA adds to them only as far
 * as training opens the gate.
 */
public final class PmaGate extends NamedBlock {

  private final Parameter gate;

  public PmaGate(int dim) {
    gate = parameter("gate", Parameter.Type.WEIGHT, new Shape(dim), ParameterInit.ZEROS);
  }

  /**
   * Whether every gate value is zero, so that PMA adds nothing to the native vectors (an untrained
   * gate, or one trained with pooling frozen).
   */
  public boolean shut() {
    // Read on the host: an operator on the gate would make arrays in the model's own manager, which
    // lives as long as the model (one per encoded batch, never freed).
    for (float g : gate.getArray().toFloatArray()) {
      if (g != 0f) {
        return false;
      }
    }
    return true;
  }

  /** Vectors [B,d] from token states [B,T,d] under mask [B,T]. */
  public NDArray pool(
      ParameterStore ps,
      Pooling nativePooling,
      Pma pma,
      NDArray hidden,
      NDArray mask,
      boolean training) {
    NDArray pooled = pma.pool(ps, hidden, mask, training);
    NDArray base =
        Pooling.normalize(nativePooling.pool(hidden, mask)).toType(pooled.getDataType(), false);
    return base.add(pooled.mul(value(ps, gate, pooled, training)));
  }
}
