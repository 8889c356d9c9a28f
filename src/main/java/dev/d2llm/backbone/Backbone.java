package dev.d2llm.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.d2llm.nn.NamedBlock;

/**
 * A transformer that turns token ids into final-layer token states. Inputs are int64 {@code
 * input_ids} [B,T] and {@code attention_mask} [B,T] (1 token, 0 padding); the output is
 * [B,T,hidden] after the last layer (and, for decoders, after the final norm).
 */
public abstract sealed class Backbone extends NamedBlock permits BertBackbone, DecoderBackbone {

  /** The configuration this backbone was built from. */
  public abstract BackboneConfig config();

  /** Final-layer token states [B,T,hidden] for ids and mask [B,T]. */
  public abstract NDArray hiddenStates(
      ParameterStore ps, NDArray ids, NDArray mask, boolean training);

  /**
   * The first token's final state [B,1,hidden] (what {@code [CLS]} pooling reads). The same values
   * as {@code hiddenStates(...)[:, 0:1]}; a backbone may compute them with less work (BERT runs its
   * last layer for that token only).
   */
  public NDArray firstTokenStates(ParameterStore ps, NDArray ids, NDArray mask, boolean training) {
    return hiddenStates(ps, ids, mask, training).get(":, 0:1, :");
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(hiddenStates(ps, inputs.get(0), inputs.get(1), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] in) {
    return new Shape[] {new Shape(in[0].get(0), in[0].get(1), config().hiddenSize())};
  }
}
