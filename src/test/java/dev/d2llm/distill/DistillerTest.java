package dev.d2llm.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import dev.d2llm.data.TrainingExample;
import dev.d2llm.lora.LoraConfig;
import dev.d2llm.student.Branch;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentConfig;
import dev.d2llm.teacher.Judgement;
import dev.d2llm.teacher.Teacher;
import dev.d2llm.teacher.TeacherScoreCache;
import dev.d2llm.teacher.TextPair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distillation loop on the tiny BERT with a cached frozen backbone: the loss goes down, plans
 * replay.
 */
class DistillerTest {

  private static final Path BERT = Path.of("test/resources/models/tiny-bert").toAbsolutePath();
  private static final String[] WORDS = {
    "cat", "dog", "bird", "fish", "tree", "house", "car", "book", "lamp", "road"
  };

  /** Relevant exactly when the passage contains the query's word. */
  static class OverlapTeacher implements Teacher {
    @Override
    public List<Judgement> judge(List<TextPair> pairs, Branch branch, IntConsumer progress) {
      return pairs.stream()
          .map(
              p -> {
                boolean hit = p.passage().contains(p.query().split(" ")[1]);
                return new Judgement(
                    hit ? 0.95f : 0.05f, new float[] {hit ? 1 : 0, p.passage().length() % 3, 1});
              })
          .toList();
    }

    @Override
    public String identity() {
      return "overlap";
    }

    @Override
    public void close() {}
  }

  static List<TrainingExample> examples() {
    List<TrainingExample> out = new ArrayList<>();
    for (int i = 0; i < WORDS.length; i++) {
      List<String> negatives = new ArrayList<>();
      for (int j = 1; j <= 3; j++) {
        negatives.add("a " + WORDS[(i + j) % WORDS.length] + " is there");
      }
      out.add(
          new TrainingExample("toy", "the " + WORDS[i], "a " + WORDS[i] + " is here", negatives));
    }
    return out;
  }

  @Test
  void trainingLowersTheLossOnThePlannedSteps(@TempDir Path dir) {
    List<TrainingExample> examples = examples();
    DistillOptions options =
        new DistillOptions(
            4,
            2,
            6,
            3e-3f,
            2,
            1.0,
            7,
            100,
            5,
            100,
            dev.d2llm.distill.loss.DistillationLoss.DEFAULTS);
    BatchPlan plan =
        BatchPlan.of(
            examples, options.batchSize(), options.negatives(), options.epochs(), options.seed());
    StudentConfig config =
        new StudentConfig(
            BERT.toString(),
            LoraConfig.defaults(dev.d2llm.backbone.BackboneConfig.read(BERT)),
            4,
            16);
    try (Student student = Student.create(BERT, config, Device.cpu(), 1);
        TeacherScoreCache cache = TeacherScoreCache.open(dir.resolve("teacher.bin"))) {
      cache.fill(
          new OverlapTeacher(),
          Branch.SYMMETRIC,
          new ArrayList<>(plan.teacherPairs(examples)),
          64,
          n -> {});
      CachedTokenStates states = CachedTokenStates.build(student, plan.texts(examples), n -> {});
      Map<String, Parameter> trainable = new LinkedHashMap<>();
      student
          .trainableParameters()
          .forEach(
              (n, p) -> {
                if (!n.contains("lora_")) {
                  trainable.put(n, p);
                }
              });
      Distiller distiller = toyDistiller(student, states, cache, options, trainable, plan);
      List<BatchPlan.Step> firstEpoch = plan.steps().subList(0, 2);
      double before =
          firstEpoch.stream().mapToDouble(s -> distiller.evaluate(s).get("total")).sum();

      plan.steps().forEach(distiller::step);

      double after = firstEpoch.stream().mapToDouble(s -> distiller.evaluate(s).get("total")).sum();
      assertThat(after).isLessThan(before * 0.8);
      assertThat(distiller.optimizer().stepCount()).isEqualTo(plan.steps().size());
    }
  }

  @Test
  void scoresWithoutFeaturesTrainWithoutFiAndAreRefusedWithIt(@TempDir Path dir) {
    List<TrainingExample> examples = examples();
    var d = dev.d2llm.distill.loss.DistillationLoss.DEFAULTS;
    var noFi =
        new dev.d2llm.distill.loss.DistillationLoss(
            d.alpha(),
            d.beta(),
            d.gamma(),
            0,
            d.inBatchTemperature(),
            d.imitationTemperature(),
            d.lambda(),
            d.hardNegativesInBatch());
    BatchPlan plan = BatchPlan.of(examples, 4, 2, 1, 7);
    Teacher scoresOnly =
        new OverlapTeacher() {
          @Override
          public List<Judgement> judge(List<TextPair> pairs, Branch branch, IntConsumer progress) {
            return super.judge(pairs, branch, progress).stream()
                .map(j -> new Judgement(j.score(), new float[0]))
                .toList();
          }
        };
    StudentConfig config = new StudentConfig(BERT.toString(), null, 4, 16);
    try (Student student = Student.create(BERT, config, Device.cpu(), 1);
        TeacherScoreCache cache = TeacherScoreCache.open(dir.resolve("teacher.bin"))) {
      cache.fill(
          scoresOnly, Branch.SYMMETRIC, new ArrayList<>(plan.teacherPairs(examples)), 64, n -> {});
      CachedTokenStates states = CachedTokenStates.build(student, plan.texts(examples), n -> {});
      for (var loss : List.of(noFi, d)) {
        Distiller distiller =
            toyDistiller(
                student,
                states,
                cache,
                new DistillOptions(4, 2, 1, 3e-3f, 1, 1.0, 7, 100, 5, 100, loss),
                new LinkedHashMap<>(student.trainableParameters()),
                plan);
        if (loss == noFi) {
          assertThat(distiller.evaluate(plan.steps().get(0)).get("total")).isFinite();
        } else {
          org.assertj.core.api.Assertions.assertThatThrownBy(
                  () -> distiller.evaluate(plan.steps().get(0)))
              .hasMessageContaining("--eta 0");
        }
      }
    }
  }

  @Test
  void aTeacherFusedWithTheCosineGetsTheWeightedCosineOfEachPairAdded(@TempDir Path dir) {
    List<TrainingExample> examples = examples();
    BatchPlan plan = BatchPlan.of(examples, 4, 2, 1, 7);
    StudentConfig config = new StudentConfig(BERT.toString(), null, 4, 16);
    try (Student student = Student.create(BERT, config, Device.cpu(), 1);
        TeacherScoreCache cache = TeacherScoreCache.open(dir.resolve("teacher.bin"))) {
      cache.fill(
          new OverlapTeacher(),
          Branch.SYMMETRIC,
          new ArrayList<>(plan.teacherPairs(examples)),
          64,
          n -> {});
      CachedTokenStates states = CachedTokenStates.build(student, plan.texts(examples), n -> {});
      Distiller distiller =
          toyDistiller(
              student,
              states,
              cache,
              new DistillOptions(
                  4,
                  2,
                  1,
                  3e-3f,
                  1,
                  1.0,
                  7,
                  100,
                  5,
                  100,
                  dev.d2llm.distill.loss.DistillationLoss.DEFAULTS),
              new LinkedHashMap<>(student.trainableParameters()),
              plan);
      BatchPlan.Step step = plan.steps().get(0);
      try (ai.djl.ndarray.NDManager scope = student.manager().newSubManager()) {
        var alone = distiller.batch(scope, step, Branch.SYMMETRIC, false);
        distiller.readTeacherAs(new TeacherSignal(false, 2.0));
        var fused = distiller.batch(scope, step, Branch.SYMMETRIC, false);
        float[] pos = fused.positiveTeacher().sub(alone.positiveTeacher()).toFloatArray();
        float[] hard = fused.hardTeacher().sub(alone.hardTeacher()).toFloatArray();
        float[] easy = fused.easyTeacher().sub(alone.easyTeacher()).toFloatArray();
        for (int r = 0; r < step.examples().length; r++) {
          TrainingExample ex = examples.get(step.examples()[r]);
          TrainingExample next = examples.get(step.examples()[r == 0 ? 1 : 0]);
          float[][] v =
              states.embed(
                  List.of(
                      ex.query(), ex.positive(), step.negatives().get(r).get(1), next.positive()),
                  dev.d2llm.embedding.TextRole.PLAIN);
          assertThat(pos[r]).isCloseTo(2 * dev.d2llm.FloatArrays.cosine(v[0], v[1]), within(1e-4f));
          assertThat(hard[r * 2 + 1])
              .isCloseTo(2 * dev.d2llm.FloatArrays.cosine(v[0], v[2]), within(1e-4f));
          // The first other answer of the batch is the row's first easy negative.
          assertThat(easy[r * (step.examples().length - 1)])
              .isCloseTo(2 * dev.d2llm.FloatArrays.cosine(v[0], v[3]), within(1e-4f));
        }
      }
      assertThatThrownBy(() -> new TeacherSignal(false, -1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("-1");
      // Log-odds: the teacher's 0.95 and 0.05 (OverlapTeacher) become +-log(19).
      distiller.readTeacherAs(new TeacherSignal(true, 0));
      try (ai.djl.ndarray.NDManager scope = student.manager().newSubManager()) {
        float[] pos =
            distiller.batch(scope, step, Branch.SYMMETRIC, false).positiveTeacher().toFloatArray();
        for (float v : pos) {
          assertThat(Math.abs(v)).isCloseTo((float) Math.log(19), within(1e-4f));
        }
      }
    }
  }

  /** A distiller of the toy examples on one symmetric data set, judged by the overlap teacher. */
  private static Distiller toyDistiller(
      Student student,
      CachedTokenStates states,
      TeacherScoreCache cache,
      DistillOptions options,
      Map<String, Parameter> trainable,
      BatchPlan plan) {
    return new Distiller(
        student,
        examples(),
        states,
        cache,
        "overlap",
        Map.of("toy", Branch.SYMMETRIC),
        options,
        trainable,
        plan.steps().size());
  }

  @Test
  void cachedTokenStatesEmbedAsTheStudentDoesAndFollowItsPooling() {
    StudentConfig config = new StudentConfig(BERT.toString(), null, 4, 16);
    List<String> texts = List.of("the cat", "a dog is here and there", "rain");
    try (Student student = Student.create(BERT, config, Device.cpu(), 1)) {
      // Built on some texts; the others are encoded when first asked for.
      CachedTokenStates states =
          CachedTokenStates.build(student, java.util.Set.of("the cat"), n -> {});
      int[] heard = {0};
      float[][] cached =
          states.embed(texts, dev.d2llm.embedding.TextRole.PLAIN, n -> heard[0] += n);
      float[][] direct = student.embed(texts, dev.d2llm.embedding.TextRole.PLAIN);
      for (int i = 0; i < texts.size(); i++) {
        // bfloat16 states: agreement to bf16's precision.
        assertThat(dev.d2llm.FloatArrays.maxAbsDiff(cached[i], direct[i]))
            .as(texts.get(i))
            .isLessThan(2e-2f);
      }
      assertThat(heard[0]).isEqualTo(texts.size());
      assertThat(states.size()).isEqualTo(3);
      // PMA moves: the cached states pool with the pooling as it is now. The move is seeded: the
      // bf16 tolerance below depends on how large it makes the pooled vectors.
      java.util.Random random = new java.util.Random(17);
      try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
        for (var p : student.pma().namedParameters().values()) {
          var shape = p.getArray().getShape();
          float[] move = new float[Math.toIntExact(shape.size())];
          for (int i = 0; i < move.length; i++) {
            move[i] = (float) (0.5 * random.nextGaussian());
          }
          p.getArray().addi(m.create(move, shape));
        }
      }
      float[][] after = states.embed(texts, dev.d2llm.embedding.TextRole.PLAIN, n -> {});
      assertThat(dev.d2llm.FloatArrays.maxAbsDiff(after[1], cached[1])).isGreaterThan(1e-3f);
      assertThat(
              dev.d2llm.FloatArrays.maxAbsDiff(
                  after[1], student.embed(texts, dev.d2llm.embedding.TextRole.PLAIN)[1]))
          .isLessThan(2e-2f);
    }
  }

  @Test
  void aPlanIsFixedByItsSeedAndHomogeneous() {
    List<TrainingExample> examples = new ArrayList<>(examples());
    examples.add(new TrainingExample("other", "q one", "p one", List.of("n one")));
    examples.add(new TrainingExample("other", "q two", "p two", List.of("n two")));

    BatchPlan a = BatchPlan.of(examples, 4, 2, 2, 11);
    BatchPlan b = BatchPlan.of(examples, 4, 2, 2, 11);

    assertThat(a.steps()).hasSameSizeAs(b.steps());
    for (int i = 0; i < a.steps().size(); i++) {
      assertThat(a.steps().get(i).examples()).containsExactly(b.steps().get(i).examples());
      assertThat(a.steps().get(i).negatives()).isEqualTo(b.steps().get(i).negatives());
      String dataset = a.steps().get(i).dataset();
      for (int e : a.steps().get(i).examples()) {
        assertThat(examples.get(e).dataset()).isEqualTo(dataset);
      }
    }
    assertThatThrownBy(() -> BatchPlan.of(List.of(new TrainingExample("x", "q", "p")), 2, 1, 1, 1))
        .hasMessageContaining("no hard negatives");
  }
}
