package dev.d2llm.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.d2llm.nn.Attention;
import dev.d2llm.nn.Embedding;
import dev.d2llm.nn.LayerNorm;
import dev.d2llm.nn.LayerScope;
import java.util.ArrayList;
import java.util.List;

/** A BERT-family encoder: word + learned position + token-type embeddings, then post-LN layers. */
public final class BertBackbone extends Backbone {

  private final BertConfig config;
  private final Embedding words;
  private final Embedding positions;
  private final Embedding tokenTypes;
  private final LayerNorm embeddingNorm;
  private final List<BertLayer> layers = new ArrayList<>();

  public BertBackbone(BertConfig config) {
    this.config = config;
    int d = config.hiddenSize();
    words = child("embeddings.word_embeddings", new Embedding(config.vocabSize(), d));
    positions = child("embeddings.position_embeddings", new Embedding(config.maxPositions(), d));
    tokenTypes =
        child("embeddings.token_type_embeddings", new Embedding(config.typeVocabSize(), d));
    embeddingNorm = child("embeddings.LayerNorm", new LayerNorm(d, config.layerNormEps()));
    for (int i = 0; i < config.numLayers(); i++) {
      layers.add(child("encoder.layer." + i, new BertLayer(config)));
    }
  }

  @Override
  public BertConfig config() {
    return config;
  }

  @Override
  public NDArray hiddenStates(ParameterStore ps, NDArray ids, NDArray mask, boolean training) {
    return hiddenStates(ps, ids, mask, null, training);
  }

  /**
   * As {@link #hiddenStates(ParameterStore, NDArray, NDArray, boolean)}, with token types [B,T]
   * (null: all 0).
   */
  public NDArray hiddenStates(
      ParameterStore ps, NDArray ids, NDArray mask, NDArray typeIds, boolean training) {
    return run(ps, ids, mask, typeIds, training, false);
  }

  /**
   * The first token's final state [B,1,hidden]: every layer but the last runs over all tokens, the
   * last computes its attention query, output and feed-forward for the first token only (its keys
   * and values still cover every token), a twelfth less work for a 12-layer encoder.
   */
  @Override
  public NDArray firstTokenStates(ParameterStore ps, NDArray ids, NDArray mask, boolean training) {
    return firstTokenStates(ps, ids, mask, null, training);
  }

  /** As {@link #firstTokenStates(ParameterStore, NDArray, NDArray, boolean)}, with token types. */
  public NDArray firstTokenStates(
      ParameterStore ps, NDArray ids, NDArray mask, NDArray typeIds, boolean training) {
    return run(ps, ids, mask, typeIds, training, true);
  }

  private NDArray run(
      ParameterStore ps,
      NDArray ids,
      NDArray mask,
      NDArray typeIds,
      boolean training,
      boolean firstTokenOnly) {
    long t = ids.getShape().get(1);
    if (t > config.maxPositions()) {
      throw new IllegalArgumentException(
          "sequence of " + t + " tokens exceeds max_position_embeddings " + config.maxPositions());
    }
    NDArray types = typeIds != null ? typeIds : ids.zerosLike();
    NDArray positionIds = ids.getManager().arange(0L, t, 1L, DataType.INT64).expandDims(0);
    NDArray x =
        words
            .apply(ps, ids, training)
            .add(tokenTypes.apply(ps, types, training))
            .add(positions.apply(ps, positionIds, training));
    x = dropout(embeddingNorm.apply(ps, x, training), training);
    NDArray additive = Attention.paddingMask(mask, x.getDataType());
    int[] keyLengths = Attention.prefixLengths(mask);
    boolean own = false;
    for (int i = 0; i < layers.size(); i++) {
      BertLayer layer = layers.get(i);
      boolean firstOnly = firstTokenOnly && i == layers.size() - 1;
      NDArray in = x;
      x =
          LayerScope.step(
              ps,
              training,
              in,
              own,
              () -> layer.apply(ps, in, additive, keyLengths, training, firstOnly));
      own = true;
    }
    if (firstTokenOnly && layers.isEmpty()) {
      x = x.get(":, 0:1, :");
    }
    return x;
  }

  NDArray dropout(NDArray x, boolean training) {
    return BertLayer.dropout(x, (float) config.dropout(), training);
  }
}
