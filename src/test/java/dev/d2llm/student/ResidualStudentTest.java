package dev.d2llm.student;

import static dev.d2llm.FloatArrays.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.d2llm.backbone.BackboneModel;
import dev.d2llm.backbone.Precision;
import dev.d2llm.embedding.EncoderSettings;
import dev.d2llm.embedding.LengthBatcher;
import dev.d2llm.embedding.Pooling;
import dev.d2llm.embedding.SentenceEncoder;
import dev.d2llm.embedding.TextRole;
import dev.d2llm.text.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A residual student starts as its backbone's zero-shot bi-encoder, and keeps what it is when
 * saved.
 */
class ResidualStudentTest {

  private static final Path BERT = Path.of("test/resources/models/tiny-bert").toAbsolutePath();
  private static final EncoderSettings CLS_WITH_PREFIX =
      new EncoderSettings(Pooling.CLS, true, "query: ", "", Student.MAX_LENGTH);
  private static final List<String> TEXTS =
      List.of(
          "the cat sat on the mat",
          "where does the cat sleep",
          "stocks fell sharply today",
          "a dog runs in the park",
          "the market closed lower",
          "cats sleep on mats");

  private static Student untrained() {
    return Student.create(
        BERT,
        StudentConfig.residual(BERT.toString(), null, 4, 16, CLS_WITH_PREFIX),
        Device.cpu(),
        7);
  }

  @Test
  void anUntrainedResidualStudentEmbedsAsItsBackbonesNativePooling() {
    try (Student student = untrained();
        SentenceEncoder backbone =
            new SentenceEncoder(
                BackboneModel.load(BERT, Device.cpu(), Precision.FP32),
                TextTokenizer.open(BERT, Student.MAX_LENGTH, true),
                CLS_WITH_PREFIX,
                LengthBatcher.DEFAULT)) {
      for (TextRole role : TextRole.values()) {
        float[][] mine = student.embed(TEXTS, role);
        float[][] theirs = backbone.embed(TEXTS, role);
        for (int i = 0; i < TEXTS.size(); i++) {
          assertThat(maxAbsDiff(mine[i], theirs[i]))
              .as("%s %s", role, TEXTS.get(i))
              .isLessThan(1e-5f);
        }
      }
    }
  }

  @Test
  void embeddingLeavesNoArrayInTheModelsManager() {
    // A serving process embeds for as long as it runs: every array a batch makes must go with it.
    try (Student student = untrained()) {
      student.embed(TEXTS, TextRole.QUERY);
      int before = student.manager().getManagedArrays().size();
      for (int i = 0; i < 20; i++) {
        student.embed(TEXTS, TextRole.QUERY);
        student.embed(TEXTS.subList(0, 1), TextRole.PASSAGE);
      }
      assertThat(student.manager().getManagedArrays()).hasSize(before);
    }
  }

  @Test
  void anUntrainedResidualStudentRanksExactlyByItsCosine() {
    try (Student student = untrained()) {
      for (Branch branch : Branch.values()) {
        TextRole left = branch == Branch.ASYMMETRIC ? TextRole.QUERY : TextRole.PLAIN;
        TextRole right = branch == Branch.ASYMMETRIC ? TextRole.PASSAGE : TextRole.PLAIN;
        float[] q = student.embed(List.of(TEXTS.get(1)), left)[0];
        float[][] p = student.embed(TEXTS, right);
        float[] logits;
        try (NDManager scope = student.manager().newSubManager()) {
          float[] flat = new float[p.length * q.length];
          for (int i = 0; i < p.length; i++) {
            System.arraycopy(p[i], 0, flat, i * q.length, q.length);
          }
          logits =
              student
                  .score(
                      null,
                      scope.create(q).expandDims(0).repeat(0, p.length),
                      scope.create(flat, new Shape(p.length, q.length)),
                      branch,
                      false)
                  .logits()
                  .toFloatArray();
        }
        for (int i = 0; i < TEXTS.size(); i++) {
          double logit = logits[i];
          double expected = InteractionEmulation.COSINE_SCALE * SentenceEncoder.cosine(q, p[i]);
          assertThat(logit).as("%s %s", branch, TEXTS.get(i)).isCloseTo(expected, within(1e-3));
        }
      }
    }
  }

  @Test
  void queriesOfTheAsymmetricBranchAreReadWithTheBackbonesQueryPrefix() {
    try (Student student = untrained()) {
      float[] asQuery = student.embed(List.of("where is the cat"), TextRole.QUERY)[0];
      float[] prefixed = student.embed(List.of("query: where is the cat"), TextRole.PLAIN)[0];
      float[] plain = student.embed(List.of("where is the cat"), TextRole.PLAIN)[0];

      assertThat(maxAbsDiff(asQuery, prefixed)).isLessThan(1e-6f);
      assertThat(maxAbsDiff(asQuery, plain)).isGreaterThan(1e-3f);
    }
  }

  @Test
  void aResidualStudentKeepsItsKindGateAndScoresThroughSaveAndLoad(@TempDir Path dir) {
    float[] before;
    try (Student student = untrained()) {
      try (NDManager m = NDManager.newBaseManager()) {
        // move every weight off its starting point so that nothing loads by luck
        student
            .trainableParameters()
            .values()
            .forEach(
                p ->
                    p.getArray()
                        .addi(
                            m.randomNormal(
                                0, 0.05f, p.getArray().getShape(), p.getArray().getDataType())));
      }
      before = student.relevance("where is the cat", TEXTS, Branch.ASYMMETRIC);
      StudentFiles.save(student, dir);
    }
    assertThat(dir.resolve("pooling.safetensors")).isRegularFile();
    assertThat(dir.resolve(StudentFiles.DESCRIPTOR))
        .content()
        .contains("\"iem\" : \"residual\"", "\"query_prefix\" : \"query: \"");

    try (Student loaded = StudentFiles.load(dir, Device.cpu())) {
      assertThat(loaded.config().iem()).isEqualTo(IemKind.RESIDUAL);
      assertThat(loaded.config().nativeEncoding()).isEqualTo(CLS_WITH_PREFIX);
      assertThat(maxAbsDiff(loaded.relevance("where is the cat", TEXTS, Branch.ASYMMETRIC), before))
          .isLessThan(1e-6f);
    }
  }

  @Test
  void aStudentWrittenBeforeTheResidualIemLoadsAsThePapers(@TempDir Path dir) throws Exception {
    try (Student student =
        Student.create(BERT, new StudentConfig(BERT.toString(), null, 4, 16), Device.cpu(), 3)) {
      StudentFiles.save(student, dir);
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode descriptor =
        (ObjectNode) json.readTree(dir.resolve(StudentFiles.DESCRIPTOR).toFile());
    descriptor.remove("iem");
    json.writeValue(dir.resolve(StudentFiles.DESCRIPTOR).toFile(), descriptor);

    assertThat(StudentFiles.readConfig(dir).iem()).isEqualTo(IemKind.PAPER);
    try (Student loaded = StudentFiles.load(dir, Device.cpu())) {
      assertThat(loaded.gate()).isEmpty();
      assertThat(Files.exists(dir.resolve("pooling.safetensors"))).isFalse();
    }
  }

  @Test
  void centringTheCosineAtTheMidpointOfPositivesAndNegativesCalibratesWithoutReranking() {
    List<dev.d2llm.data.TrainingExample> examples =
        List.of(
            new dev.d2llm.data.TrainingExample(
                "toy", TEXTS.get(0), TEXTS.get(5), List.of(TEXTS.get(2), TEXTS.get(4))),
            new dev.d2llm.data.TrainingExample(
                "toy", TEXTS.get(2), TEXTS.get(4), List.of(TEXTS.get(3), TEXTS.get(0))));
    try (Student student = untrained()) {
      float[][] v = student.embed(TEXTS, TextRole.PLAIN);
      double positives =
          (SentenceEncoder.cosine(v[0], v[5]) + SentenceEncoder.cosine(v[2], v[4])) / 2;
      double negatives =
          (SentenceEncoder.cosine(v[0], v[2])
                  + SentenceEncoder.cosine(v[0], v[4])
                  + SentenceEncoder.cosine(v[2], v[3])
                  + SentenceEncoder.cosine(v[2], v[0]))
              / 4;
      float midpoint = CosineMidpoint.of(student, Branch.SYMMETRIC, examples);
      assertThat((double) midpoint).isCloseTo((positives + negatives) / 2, within(1e-5));

      student.iem().centreCosineAt(Branch.SYMMETRIC, midpoint);
      try (NDManager scope = student.manager().newSubManager()) {
        float[] z =
            student
                .score(
                    null,
                    scope.create(v[0]).expandDims(0),
                    scope.create(v[5]).expandDims(0),
                    Branch.SYMMETRIC,
                    false)
                .logits()
                .toFloatArray();
        assertThat((double) z[0])
            .isCloseTo(
                InteractionEmulation.COSINE_SCALE * (SentenceEncoder.cosine(v[0], v[5]) - midpoint),
                within(1e-3));
        float[] other =
            student
                .score(
                    null,
                    scope.create(v[0]).expandDims(0),
                    scope.create(v[5]).expandDims(0),
                    Branch.ASYMMETRIC,
                    false)
                .logits()
                .toFloatArray();
        assertThat((double) other[0])
            .isCloseTo(
                InteractionEmulation.COSINE_SCALE * SentenceEncoder.cosine(v[0], v[5]),
                within(1e-3));
      }
    }
  }

  @Test
  void trainingOneBranchLeavesTheOtherAtItsCosine() {
    try (NDManager m = NDManager.newBaseManager()) {
      InteractionEmulation iem = new InteractionEmulation(6, 8, IemKind.RESIDUAL);
      iem.initializeMissing(m, 3);
      // what training the symmetric branch can move: the shared first layer and the branch's own
      // layers
      iem.namedParameters()
          .forEach(
              (n, x) -> {
                if (!n.contains("asym") && !n.startsWith("cos_")) {
                  x.getArray()
                      .addi(
                          m.randomNormal(
                              0, 0.3f, x.getArray().getShape(), x.getArray().getDataType()));
                }
              });
      NDArray q = m.randomNormal(new Shape(5, 6));
      NDArray p = m.randomNormal(new Shape(5, 6));

      float[] asym = iem.score(null, q, p, Branch.ASYMMETRIC, false).logits().toFloatArray();
      float[] sym = iem.score(null, q, p, Branch.SYMMETRIC, false).logits().toFloatArray();
      float[] cos =
          InteractionEmulation.cosine(q, p).mul(InteractionEmulation.COSINE_SCALE).toFloatArray();

      assertThat(maxAbsDiff(asym, cos)).isLessThan(1e-5);
      assertThat(maxAbsDiff(sym, cos)).isGreaterThan(1e-2);
    }
  }

  @Test
  void gradientsOfTheResidualIemMatchFiniteDifferences() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray q = m.randomNormal(new Shape(5, 6));
      NDArray p = m.randomNormal(new Shape(5, 6));
      NDArray weights = m.randomNormal(new Shape(5));
      for (Branch branch : Branch.values()) {
        // a fresh module per branch: gradients accumulate across backward passes
        InteractionEmulation iem = new InteractionEmulation(6, 8, IemKind.RESIDUAL);
        iem.initializeMissing(m, 3);
        // off the zero start, so that every parameter's gradient is non-zero
        iem.namedParameters()
            .forEach(
                (n, x) ->
                    x.getArray()
                        .addi(
                            m.randomNormal(
                                0, 0.3f, x.getArray().getShape(), x.getArray().getDataType())));
        iem.namedParameters().values().forEach(x -> x.getArray().setRequiresGradient(true));
        try (NDManager scope = m.newSubManager();
            ai.djl.training.GradientCollector gc =
                ai.djl.engine.Engine.getInstance().newGradientCollector()) {
          NDArray loss = iem.score(null, q, p, branch, true).logits().mul(weights).sum();
          gc.backward(loss);
        }
        for (String name :
            List.of(
                "cos_log_scale",
                "cos_shift",
                "fc1.weight",
                "fc2_sym.weight",
                "fc2_asym.weight",
                "fc_sym.bias",
                "fc_asym.bias")) {
          NDArray w = iem.namedParameters().get(name).getArray();
          float[] grad = w.getGradient().toFloatArray();
          float[] values = w.toFloatArray();
          for (int i = 0; i < Math.min(values.length, 4); i++) {
            // a small step, so that no ReLU's input crosses zero between the two evaluations
            double numeric =
                (lossWith(iem, w, values, i, 1e-3f, q, p, weights, branch)
                        - lossWith(iem, w, values, i, -1e-3f, q, p, weights, branch))
                    / 2e-3;
            assertThat((double) grad[i])
                .as("%s[%d] on %s", name, i, branch)
                .isCloseTo(numeric, within(2e-2 * Math.max(1, Math.abs(numeric))));
          }
        }
      }
    }
  }

  private static double lossWith(
      InteractionEmulation iem,
      NDArray w,
      float[] values,
      int i,
      float delta,
      NDArray q,
      NDArray p,
      NDArray weights,
      Branch branch) {
    float[] moved = values.clone();
    moved[i] += delta;
    w.set(java.nio.FloatBuffer.wrap(moved));
    try {
      return iem.score(null, q, p, branch, false)
          .logits()
          .toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
          .mul(weights.toType(ai.djl.ndarray.types.DataType.FLOAT64, false))
          .sum()
          .getDouble();
    } finally {
      w.set(java.nio.FloatBuffer.wrap(values));
    }
  }
}
