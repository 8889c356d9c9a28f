package dev.d2llm.backbone;

import dev.d2llm.checkpoint.CheckpointException;

/** Configuration of a decoder LLM: grouped-query attention, RMSNorm, SwiGLU, rotary positions. */
public record DecoderConfig(
    DecoderFamily family,
    int vocabSize,
    int hiddenSize,
    int numLayers,
    int numHeads,
    int numKvHeads,
    int headDim,
    int intermediateSize,
    double rmsNormEps,
    RopeConfig rope,
    boolean attentionBias,
    boolean tieWordEmbeddings,
    int maxPositions)
    implements BackboneConfig {

  public DecoderConfig {
    if (numHeads % numKvHeads != 0) {
      throw new CheckpointException(
          "num_attention_heads "
              + numHeads
              + " is not a multiple of num_key_value_heads "
              + numKvHeads);
    }
    if (headDim % 2 != 0) {
      throw new CheckpointException("head_dim must be even for rotary positions, found " + headDim);
    }
  }

  @Override
  public String modelType() {
    return family.modelType();
  }

  /** How many query heads share one key/value head. */
  public int groupSize() {
    return numHeads / numKvHeads;
  }

  static DecoderConfig from(ConfigJson j, DecoderFamily family) {
    String act = j.textOr("hidden_act", "silu");
    if (!act.equals("silu")) {
      throw new CheckpointException(
          j.source() + ": hidden_act '" + act + "' is not supported; expected 'silu'");
    }
    if (j.boolOr("use_sliding_window", false)) {
      throw new CheckpointException(j.source() + ": use_sliding_window=true is not supported");
    }
    int hidden = j.requiredInt("hidden_size");
    int heads = j.requiredInt("num_attention_heads");
    int headDim = j.has("head_dim") ? j.requiredInt("head_dim") : hidden / heads;
    return new DecoderConfig(
        family,
        j.requiredInt("vocab_size"),
        hidden,
        j.requiredInt("num_hidden_layers"),
        heads,
        j.intOr("num_key_value_heads", heads),
        headDim,
        j.requiredInt("intermediate_size"),
        j.doubleOr("rms_norm_eps", 1e-6),
        RopeConfig.from(j),
        j.boolOr("attention_bias", false),
        j.boolOr("tie_word_embeddings", false),
        j.intOr("max_position_embeddings", 32768));
  }
}
