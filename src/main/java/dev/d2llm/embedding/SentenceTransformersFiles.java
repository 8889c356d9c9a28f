package dev.d2llm.embedding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and writes the files of a sentence-transformers model directory that change the embedding
 * (modules.json, the Pooling config, prompts, max_seq_length) as {@link EncoderSettings}.
 */
public final class SentenceTransformersFiles {

  /**
   * Maximum sequence length assumed when neither sentence-transformers nor the model config says.
   */
  public static final int DEFAULT_MAX_SEQ_LENGTH = 512;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POOLING_DIR = "1_Pooling";
  private static final String NORMALIZE_DIR = "2_Normalize";

  private SentenceTransformersFiles() {}

  /** Defaults for a plain Hugging Face model: mean pooling, not normalized, no prompts. */
  public static EncoderSettings defaults(int maxSeqLength) {
    return new EncoderSettings(Pooling.MEAN, false, "", "", maxSeqLength);
  }

  /**
   * Reads {@code modules.json}, the Pooling module's config, {@code sentence_bert_config.json} and
   * {@code config_sentence_transformers.json}; whatever is absent keeps its default. The default
   * maximum length is {@code config.json}'s {@code max_position_embeddings}, else 512.
   */
  public static EncoderSettings read(Path modelDir) {
    Pooling pooling = Pooling.MEAN;
    boolean normalize = false;
    String poolingDir = POOLING_DIR;
    JsonNode modules = readJson(modelDir.resolve("modules.json"));
    if (modules != null) {
      for (JsonNode m : modules) {
        String type = m.path("type").asText("");
        if (type.endsWith(".Pooling")) {
          poolingDir = m.path("path").asText(POOLING_DIR);
        } else if (type.endsWith(".Normalize")) {
          normalize = true;
        }
      }
    }
    JsonNode poolingConfig = readJson(modelDir.resolve(poolingDir).resolve("config.json"));
    if (poolingConfig != null) {
      pooling = poolingMode(poolingConfig, modelDir.resolve(poolingDir).resolve("config.json"));
    }
    int maxLen =
        readJsonOrEmpty(modelDir.resolve("config.json"))
            .path("max_position_embeddings")
            .asInt(DEFAULT_MAX_SEQ_LENGTH);
    maxLen =
        readJsonOrEmpty(modelDir.resolve("sentence_bert_config.json"))
            .path("max_seq_length")
            .asInt(maxLen);
    JsonNode prompts =
        readJsonOrEmpty(modelDir.resolve("config_sentence_transformers.json")).path("prompts");
    String query = prompts.path("query").asText("");
    // Some models name the document side "document" rather than "passage".
    String passage = prompts.path("passage").asText(prompts.path("document").asText(""));
    return new EncoderSettings(pooling, normalize, query, passage, maxLen);
  }

  /**
   * Writes the sentence-transformers files next to a Hugging Face checkpoint so that its pooling,
   * normalization and prompts travel with it.
   */
  public static void write(Path modelDir, EncoderSettings settings, int embeddingDimension) {
    Pooling pooling = settings.pooling();
    try {
      ArrayNode modules = JSON.createArrayNode();
      module(modules, 0, "", "sentence_transformers.models.Transformer");
      module(modules, 1, POOLING_DIR, "sentence_transformers.models.Pooling");
      if (settings.normalize()) {
        module(modules, 2, NORMALIZE_DIR, "sentence_transformers.models.Normalize");
        Files.createDirectories(modelDir.resolve(NORMALIZE_DIR));
      }
      write(modelDir.resolve("modules.json"), modules);

      ObjectNode p = JSON.createObjectNode();
      p.put("word_embedding_dimension", embeddingDimension);
      p.put("pooling_mode_cls_token", pooling == Pooling.CLS);
      p.put("pooling_mode_mean_tokens", pooling == Pooling.MEAN);
      p.put("pooling_mode_max_tokens", false);
      p.put("pooling_mode_mean_sqrt_len_tokens", false);
      p.put("pooling_mode_weightedmean_tokens", false);
      p.put("pooling_mode_lasttoken", pooling == Pooling.LAST_TOKEN);
      p.put("include_prompt", true);
      Files.createDirectories(modelDir.resolve(POOLING_DIR));
      write(modelDir.resolve(POOLING_DIR).resolve("config.json"), p);

      ObjectNode st = JSON.createObjectNode();
      ObjectNode prompts = st.putObject("prompts");
      prompts.put("query", settings.queryPrefix());
      prompts.put("passage", settings.passagePrefix());
      st.putNull("default_prompt_name");
      st.put("similarity_fn_name", "cosine");
      write(modelDir.resolve("config_sentence_transformers.json"), st);

      ObjectNode sb = JSON.createObjectNode();
      sb.put("max_seq_length", settings.maxLength());
      sb.put("do_lower_case", false);
      write(modelDir.resolve("sentence_bert_config.json"), sb);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write sentence-transformers files in " + modelDir, e);
    }
  }

  private static Pooling poolingMode(JsonNode c, Path file) {
    if (c.path("pooling_mode_cls_token").asBoolean(false)) {
      return Pooling.CLS;
    }
    if (c.path("pooling_mode_lasttoken").asBoolean(false)) {
      return Pooling.LAST_TOKEN;
    }
    if (c.path("pooling_mode_mean_tokens").asBoolean(false)) {
      return Pooling.MEAN;
    }
    throw new IllegalArgumentException(
        file
            + " asks for a pooling this project does not implement; expected one of"
            + " pooling_mode_cls_token, pooling_mode_mean_tokens, pooling_mode_lasttoken to be true, found "
            + c);
  }

  private static void module(ArrayNode modules, int idx, String path, String type) {
    ObjectNode m = modules.addObject();
    m.put("idx", idx);
    m.put("name", Integer.toString(idx));
    m.put("path", path);
    m.put("type", type);
  }

  private static void write(Path file, JsonNode node) throws IOException {
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), node);
  }

  private static JsonNode readJsonOrEmpty(Path file) {
    JsonNode n = readJson(file);
    return n == null ? JSON.createObjectNode() : n;
  }

  private static JsonNode readJson(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + " as JSON", e);
    }
  }
}
