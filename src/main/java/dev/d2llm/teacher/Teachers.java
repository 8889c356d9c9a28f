package dev.d2llm.teacher;

import ai.djl.Device;
import dev.d2llm.backbone.BackboneConfig;
import dev.d2llm.backbone.BackboneModel;
import dev.d2llm.backbone.BertConfig;
import dev.d2llm.backbone.Precision;
import dev.d2llm.text.TextTokenizer;
import java.nio.file.Path;

/**
 * Opens a teacher directory by what it holds: a BERT-family cross-encoder, or a decoder LLM with
 * prompts.
 */
public final class Teachers {

  private Teachers() {}

  /**
   * The identity {@link Teacher#identity()} of the teacher {@link #open} would give, read from its
   * config alone: what a score cache is keyed by, so a complete cache needs no teacher loaded.
   */
  public static String identity(Path dir, String prompts) {
    return BackboneConfig.read(dir) instanceof BertConfig
        ? CrossEncoderTeacher.identityOf(dir)
        : LlmTeacher.identityOf(dir, PromptTemplates.named(prompts), 1f);
  }

  /**
   * The teacher at {@code dir}; {@code prompts} ({@code en}, {@code zh} or a JSON file) apply to
   * LLMs.
   */
  public static Teacher open(Path dir, String prompts, Device device) {
    BackboneConfig config = BackboneConfig.read(dir);
    if (config instanceof BertConfig) {
      return CrossEncoderTeacher.open(dir, device, 0);
    }
    BackboneModel model = BackboneModel.load(dir, device, Precision.FP32);
    try {
      return new LlmTeacher(
          model,
          TextTokenizer.open(dir, config.maxPositions(), false),
          PromptTemplates.named(prompts),
          1f);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }
}
