package dev.d2llm.backbone;

import dev.d2llm.checkpoint.CheckpointException;
import java.nio.file.Path;

/** The architecture of a backbone as its {@code config.json} declares it. */
public sealed interface BackboneConfig permits BertConfig, DecoderConfig {

  /** The Hugging Face {@code model_type}. */
  String modelType();

  /** Width of the token states the backbone emits. */
  int hiddenSize();

  /** Number of transformer layers. */
  int numLayers();

  /** Token vocabulary size. */
  int vocabSize();

  /** The longest sequence the position table (or RoPE training length) covers. */
  int maxPositions();

  /** Reads {@code dir/config.json}; fails naming the supported model types if this one is not. */
  static BackboneConfig read(Path dir) {
    ConfigJson json = ConfigJson.read(dir.resolve("config.json"));
    String type = json.textOr("model_type", "");
    if (BertConfig.MODEL_TYPES.contains(type)) {
      return BertConfig.from(json);
    }
    for (DecoderFamily f : DecoderFamily.values()) {
      if (f.modelType().equals(type)) {
        return DecoderConfig.from(json, f);
      }
    }
    throw new CheckpointException(
        json.source()
            + ": unsupported model_type '"
            + type
            + "'; supported: "
            + BertConfig.MODEL_TYPES
            + " and "
            + DecoderFamily.supportedTypes());
  }
}
