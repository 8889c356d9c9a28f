package dev.d2llm.teacher;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import dev.d2llm.backbone.BackboneModel;
import dev.d2llm.backbone.DecoderBackbone;
import dev.d2llm.embedding.LengthBatcher;
import dev.d2llm.nn.Scalars;
import dev.d2llm.student.Branch;
import dev.d2llm.text.PaddingSide;
import dev.d2llm.text.TextTokenizer;
import dev.d2llm.text.TokenBatch;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A decoder LLM as cross-encoder: the pair goes into a yes/no prompt, the score is {@code
 * sigmoid((l_yes - l_no) / T)} from the next-token logits at the last prompt position, and the
 * feature is the final-layer state there.
 */
public final class LlmTeacher implements Teacher {

  private final BackboneModel model;
  private final DecoderBackbone decoder;
  private final TextTokenizer tokenizer;
  private final PromptTemplates templates;
  private final float temperature;
  private final LengthBatcher batcher = new LengthBatcher(4096, 64);

  public LlmTeacher(
      BackboneModel model, TextTokenizer tokenizer, PromptTemplates templates, float temperature) {
    if (!(model.backbone() instanceof DecoderBackbone d)) {
      throw new IllegalArgumentException(
          "an LLM teacher needs a decoder model, found " + model.config().modelType());
    }
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("teacher temperature must be > 0, found " + temperature);
    }
    this.model = model;
    this.decoder = d;
    this.tokenizer = tokenizer;
    this.templates = templates;
    this.temperature = temperature;
  }

  @Override
  public List<Judgement> judge(List<TextPair> pairs, Branch branch, IntConsumer progress) {
    PromptTemplate template = templates.forBranch(branch);
    long yes = answerToken(template.yes());
    long no = answerToken(template.no());
    if (yes == no) {
      throw new IllegalArgumentException(
          "answers '"
              + template.yes()
              + "' and '"
              + template.no()
              + "' start with the same token "
              + yes
              + "; choose answer words that differ in their first token");
    }
    List<long[]> prompts = promptIds(pairs, branch);
    Judgement[] out = new Judgement[pairs.size()];
    int[] lengths = prompts.stream().mapToInt(a -> a.length).toArray();
    for (int[] batch : batcher.batches(lengths)) {
      List<long[]> rows = Arrays.stream(batch).mapToObj(prompts::get).toList();
      TokenBatch tokens = TokenBatch.pad(rows, tokenizer.padId(), PaddingSide.LEFT);
      try (NDManager scope = model.manager().newSubManager()) {
        NDArray mask = tokens.maskArray(scope);
        NDArray hidden = decoder.hiddenStates(null, tokens.idsArray(scope), mask, false);
        NDArray last = DecoderBackbone.lastTokenStates(hidden, mask); // [B,d]
        NDArray logits = decoder.logits(null, last, false);
        NDArray margin =
            logits.get(new NDIndex(":, {}", yes)).sub(logits.get(new NDIndex(":, {}", no)));
        float[] scores = Activation.sigmoid(Scalars.div(margin, temperature)).toFloatArray();
        float[] features = last.toFloatArray();
        int d = features.length / batch.length;
        for (int r = 0; r < batch.length; r++) {
          out[batch[r]] =
              new Judgement(scores[r], Arrays.copyOfRange(features, r * d, (r + 1) * d));
        }
      }
      progress.accept(batch.length);
    }
    return List.of(out);
  }

  /**
   * The token ids of each pair's prompt for {@code branch}: what {@link #judge} runs the model on.
   */
  public List<long[]> promptIds(List<TextPair> pairs, Branch branch) {
    PromptTemplate template = templates.forBranch(branch);
    return pairs.stream().map(p -> prompt(template, p)).toList();
  }

  /**
   * The prompt's ids; an over-long pair loses the end of its passage, never the question after it.
   */
  private long[] prompt(PromptTemplate template, TextPair pair) {
    int max = model.config().maxPositions();
    TextPair p = pair;
    long[] ids = tokenizer.encodeWithoutSpecialTokens(template.render(p));
    while (ids.length > max && !p.passage().isEmpty()) {
      p = new TextPair(p.query(), p.passage().substring(0, p.passage().length() * 3 / 4));
      ids = tokenizer.encodeWithoutSpecialTokens(template.render(p));
    }
    if (ids.length > max) {
      throw new IllegalArgumentException(
          "prompt of "
              + ids.length
              + " tokens exceeds the model's "
              + max
              + " positions even with an empty passage");
    }
    return ids;
  }

  private long answerToken(String word) {
    long[] ids = tokenizer.encodeWithoutSpecialTokens(word);
    if (ids.length == 0) {
      throw new IllegalArgumentException("answer word '" + word + "' encodes to no token");
    }
    return ids[0];
  }

  @Override
  public String identity() {
    return identityOf(model.directory(), templates, temperature);
  }

  /**
   * The identity of the LLM teacher at {@code dir} with these prompts, known without loading it.
   */
  static String identityOf(java.nio.file.Path dir, PromptTemplates templates, float temperature) {
    return "llm:"
        + dir.toAbsolutePath().normalize()
        + ":"
        + templates.hashCode()
        + ":T="
        + temperature;
  }

  /** The model the teacher reads with. */
  public BackboneModel model() {
    return model;
  }

  @Override
  public void close() {
    tokenizer.close();
    model.close();
  }
}
