package dev.d2llm.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.d2llm.nn.Attention;
import dev.d2llm.nn.Embedding;
import dev.d2llm.nn.LayerScope;
import dev.d2llm.nn.RmsNorm;
import dev.d2llm.nn.RotaryEmbedding;
import java.util.ArrayList;
import java.util.List;

/**
 * A decoder LLM (Qwen2/2.5, Llama 3.x, Qwen3) as a token-state encoder with an optional LM head.
 * Positions come from the mask, so left- and right-padded batches give the same states.
 */
public final class DecoderBackbone extends Backbone {

  private final DecoderConfig config;
  private final Embedding tokens;
  private final List<DecoderLayer> layers = new ArrayList<>();
  private final RmsNorm finalNorm;
  private final Parameter lmHead;
  private final RotaryEmbedding rotary;

  public DecoderBackbone(DecoderConfig config) {
    this.config = config;
    tokens = child("model.embed_tokens", new Embedding(config.vocabSize(), config.hiddenSize()));
    for (int i = 0; i < config.numLayers(); i++) {
      layers.add(child("model.layers." + i, new DecoderLayer(config)));
    }
    finalNorm = child("model.norm", new RmsNorm(config.hiddenSize(), config.rmsNormEps()));
    lmHead =
        config.tieWordEmbeddings()
            ? tokens.weight()
            : parameter(
                "lm_head.weight",
                Parameter.Type.WEIGHT,
                new Shape(config.vocabSize(), config.hiddenSize()));
    rotary = new RotaryEmbedding(config.rope().inverseFrequencies(config.headDim()));
  }

  @Override
  public DecoderConfig config() {
    return config;
  }

  @Override
  public NDArray hiddenStates(ParameterStore ps, NDArray ids, NDArray mask, boolean training) {
    NDArray x = tokens.apply(ps, ids, training);
    DataType type = x.getDataType();
    NDList rope = rotary.tables(RotaryEmbedding.positionsFromMask(mask), type);
    NDArray additive = Attention.causalPaddingMask(mask, type);
    boolean own = false;
    for (DecoderLayer layer : layers) {
      NDArray in = x;
      x =
          LayerScope.step(
              ps, training, in, own, () -> layer.apply(ps, in, additive, rope, training));
      own = true;
    }
    return finalNorm.apply(ps, x, training);
  }

  /** Next-token logits [.., vocab] for token states [.., hidden]. */
  public NDArray logits(ParameterStore ps, NDArray hidden, boolean training) {
    NDArray w = value(ps, lmHead, hidden, training);
    return hidden.getNDArrayInternal().linear(hidden, w, null).singletonOrThrow();
  }

  /** The states [B,hidden] at each row's last real token, for right- or left-padded masks [B,T]. */
  public static NDArray lastTokenStates(NDArray hidden, NDArray mask) {
    long t = mask.getShape().get(1);
    // The last real token is the highest position holding a 1, whichever side the padding is on.
    NDArray weighted =
        mask.toType(DataType.INT64, false)
            .mul(hidden.getManager().arange(1L, t + 1, 1L, DataType.INT64));
    NDArray last = weighted.argMax(1); // [B]
    NDArray oneHot = last.oneHot((int) t, hidden.getDataType()).expandDims(-1); // [B,T,1]
    return hidden.mul(oneHot).sum(new int[] {1});
  }
}
