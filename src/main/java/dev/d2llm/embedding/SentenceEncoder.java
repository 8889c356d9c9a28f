package dev.d2llm.embedding;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import dev.d2llm.backbone.BackboneModel;
import dev.d2llm.backbone.Precision;
import dev.d2llm.text.PaddingSide;
import dev.d2llm.text.TextTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Texts to vectors with a backbone and its native pooling. Texts are tokenised, sorted by length
 * and encoded in batches, each under its own native-memory scope.
 */
public final class SentenceEncoder implements TextEncoder {

  private final BackboneModel model;
  private final TextTokenizer tokenizer;
  private final EncoderSettings settings;
  private final LengthBatcher batcher;

  public SentenceEncoder(
      BackboneModel model,
      TextTokenizer tokenizer,
      EncoderSettings settings,
      LengthBatcher batcher) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.settings = settings;
    this.batcher = batcher;
  }

  /**
   * Opens a Hugging Face model directory as a sentence encoder: its backbone, its tokenizer and the
   * pooling, normalisation and prefixes its sentence-transformers files declare.
   */
  public static SentenceEncoder open(Path dir, Device device, Precision precision) {
    EncoderSettings settings = SentenceTransformersFiles.read(dir);
    BackboneModel model = BackboneModel.load(dir, device, precision);
    try {
      int maxLength = Math.min(settings.maxLength(), model.config().maxPositions());
      return new SentenceEncoder(
          model, TextTokenizer.open(dir, maxLength, true), settings, LengthBatcher.DEFAULT);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * As {@link TextEncoder#embed(List, TextRole)}, reporting each batch's size to {@code progress}.
   */
  @Override
  public float[][] embed(List<String> texts, TextRole role, IntConsumer progress) {
    List<String> prefixed = texts.stream().map(t -> settings.prefixed(t, role)).toList();
    return embedTokens(tokenizer.encodeAll(prefixed), progress);
  }

  /** One vector per token sequence, in input order. */
  public float[][] embedTokens(List<long[]> ids, IntConsumer progress) {
    PaddingSide side =
        settings.pooling() == Pooling.LAST_TOKEN ? PaddingSide.LEFT : PaddingSide.RIGHT;
    return BatchedEncoding.run(
        ids,
        batcher,
        tokenizer.padId(),
        side,
        model.manager(),
        (scope, tokens) -> {
          NDArray mask = tokens.maskArray(scope);
          NDArray pooled =
              settings
                  .pooling()
                  .encode(model.backbone(), null, tokens.idsArray(scope), mask, false);
          return settings.normalize() ? Pooling.normalize(pooled) : pooled;
        },
        progress);
  }

  @Override
  public int dimension() {
    return model.config().hiddenSize();
  }

  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  public EncoderSettings settings() {
    return settings;
  }

  public BackboneModel model() {
    return model;
  }

  /** {@code v} scaled to unit length (accumulated in double); a zero vector stays zero. */
  public static float[] unit(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    float scale = sum == 0 ? 0f : (float) (1 / Math.sqrt(sum));
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * scale;
    }
    return out;
  }

  /** Cosine similarity of two vectors. */
  public static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(Math.max(na * nb, 1e-24));
  }

  @Override
  public void close() {
    tokenizer.close();
    model.close();
  }
}
