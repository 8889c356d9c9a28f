package dev.d2llm.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.d2llm.backbone.BackboneModel;
import dev.d2llm.backbone.DecoderBackbone;
import dev.d2llm.student.Branch;
import dev.d2llm.text.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLM cross-encoder teacher on the tiny Qwen2: yes/no margin, features, padding-independence.
 */
class LlmTeacherTest {

  private static final Path QWEN2 = Path.of("test/resources/models/tiny-qwen2");
  private static final List<TextPair> PAIRS =
      List.of(
          new TextPair("the cat sat", "a cat was sitting on the mat all day"),
          new TextPair("stocks fell", "markets"),
          new TextPair("how do I bake bread", "mix flour, water and yeast, then bake"));

  @Test
  void scoreIsTheSigmoidOfTheYesNoMarginAtTheLastPromptToken() {
    try (LlmTeacher teacher = open()) {
      List<Judgement> batched = teacher.judge(PAIRS, Branch.ASYMMETRIC, n -> {});

      for (int i = 0; i < PAIRS.size(); i++) {
        double[] alone = alone(teacher, PAIRS.get(i), TINY.asymmetric());
        assertThat((double) batched.get(i).score()).isCloseTo(alone[0], offset(1e-5));
        assertThat((double) batched.get(i).feature()[0]).isCloseTo(alone[1], offset(1e-4));
        assertThat(batched.get(i).feature()).hasSize(64);
      }
    }
  }

  @Test
  void theBranchPicksThePrompt() {
    try (LlmTeacher teacher = open()) {
      float sym = teacher.judge(PAIRS.subList(0, 1), Branch.SYMMETRIC, n -> {}).get(0).score();
      float asym = teacher.judge(PAIRS.subList(0, 1), Branch.ASYMMETRIC, n -> {}).get(0).score();
      assertThat(sym).isNotEqualTo(asym);
    }
  }

  @Test
  void customTemplatesComeFromAFileAndBadOnesAreRefused(@TempDir Path dir) throws IOException {
    Path good =
        Files.writeString(
            dir.resolve("t.json"),
            """
        {"symmetric": {"template": "A: {query} B: {passage} same?", "yes": " Y", "no": " N"},
         "asymmetric": {"template": "Q: {query} P: {passage} answers?", "yes": " Y", "no": " N"}}""");
    Path bad =
        Files.writeString(
            dir.resolve("bad.json"),
            """
        {"symmetric": {"template": "A: {query}", "yes": " Y", "no": " N"}, "asymmetric": {}}""");

    assertThat(PromptTemplates.named(good.toString()).symmetric().render(new TextPair("x", "y")))
        .isEqualTo("A: x B: y same?");
    assertThatThrownBy(() -> PromptTemplates.read(bad))
        .hasMessageContaining("needs {query} and {passage}");
  }

  // The tiny byte-level vocabulary splits " yes" and " no" into a space and letters: answer without
  // it.
  private static final PromptTemplates TINY =
      new PromptTemplates(
          new PromptTemplate(
              PromptTemplates.ENGLISH.symmetric().template().replace("Answer:", "Answer: "),
              "yes",
              "no"),
          new PromptTemplate(
              PromptTemplates.ENGLISH.asymmetric().template().replace("Answer:", "Answer: "),
              "yes",
              "no"));

  @Test
  void answersSharingTheirFirstTokenAreRefused() {
    BackboneModel model = BackboneModel.load(QWEN2);
    try (LlmTeacher teacher =
        new LlmTeacher(model, TextTokenizer.open(QWEN2, 128, false), PromptTemplates.ENGLISH, 1f)) {
      assertThatThrownBy(() -> teacher.judge(PAIRS, Branch.SYMMETRIC, n -> {}))
          .hasMessageContaining("start with the same token");
    }
  }

  private static LlmTeacher open() {
    BackboneModel model = BackboneModel.load(QWEN2);
    return new LlmTeacher(model, TextTokenizer.open(QWEN2, 128, false), TINY, 1f);
  }

  /** Score and first feature of one unpadded prompt, computed from the logits directly. */
  private static double[] alone(LlmTeacher teacher, TextPair pair, PromptTemplate template) {
    try (TextTokenizer tok = TextTokenizer.open(QWEN2, 128, false);
        NDManager scope = teacher.model().manager().newSubManager()) {
      long[] ids = tok.encodeWithoutSpecialTokens(template.render(pair));
      long yes = tok.encodeWithoutSpecialTokens(template.yes())[0];
      long no = tok.encodeWithoutSpecialTokens(template.no())[0];
      DecoderBackbone decoder = (DecoderBackbone) teacher.model().backbone();
      NDArray idArray = scope.create(ids, new Shape(1, ids.length));
      NDArray hidden = decoder.hiddenStates(null, idArray, idArray.onesLike(), false);
      float[] last = hidden.get("0, -1, :").toFloatArray();
      float[] logits = decoder.logits(null, hidden.get("0, -1, :"), false).toFloatArray();
      double score = 1 / (1 + Math.exp(-(logits[(int) yes] - logits[(int) no])));
      return new double[] {score, last[0]};
    }
  }
}
