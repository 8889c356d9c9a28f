package dev.d2llm.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.d2llm.student.Branch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The encoder cross-encoder teacher: learns a labelled task, saves and reloads as HF does. */
class CrossEncoderTeacherTest {

  private static final Path BERT = Path.of("test/resources/models/tiny-bert");

  @Test
  void softTargetCrossEntropyMatchesTheFormula() {
    try (NDManager m = NDManager.newBaseManager()) {
      float loss =
          CrossEncoderTraining.softTargetCrossEntropy(
                  m.create(new float[] {2f, -1f}), m.create(new float[] {1f, 0.25f}))
              .getFloat();
      double expected =
          (Math.log(1 + Math.exp(-2))
                  + (0.25 * Math.log(1 + Math.exp(1)) + 0.75 * Math.log(1 + Math.exp(-1))))
              / 2;
      assertThat((double) loss).isCloseTo(expected, offset(1e-6));
    }
  }

  @Test
  void trainingLearnsATaskAndTheSavedTeacherScoresTheSame(@TempDir Path out) {
    // Relevant when the passage repeats the query's word: learnable by a 2-layer BERT in a few
    // epochs.
    List<ScoredPair> train = pairs(0, 96);
    List<ScoredPair> dev = pairs(1000, 32);
    double best;
    try (CrossEncoderTeacher teacher = CrossEncoderTeacher.open(BERT, Device.cpu(), 1)) {
      double before = CrossEncoderTraining.devSpearman(teacher, dev);
      List<Double> losses = new ArrayList<>();
      best =
          CrossEncoderTraining.train(
              teacher,
              train,
              dev,
              new CrossEncoderTraining.Options(6, 16, 1e-3f, 0.1f, 0.01f, 1.0, 7),
              out,
              new CrossEncoderTraining.Listener() {
                @Override
                public void step(long step, long total, double loss) {
                  losses.add(loss);
                }

                @Override
                public void epoch(int epoch, double devSpearman, boolean saved) {}
              });

      assertThat(best).isGreaterThan(before + 0.3);
      assertThat(
              losses.subList(losses.size() - 6, losses.size()).stream()
                  .mapToDouble(d -> d)
                  .average()
                  .orElseThrow())
          .isLessThan(losses.subList(0, 6).stream().mapToDouble(d -> d).average().orElseThrow());
    }
    try (CrossEncoderTeacher saved = CrossEncoderTeacher.open(out, Device.cpu(), 99)) {
      // The reloaded teacher (weights, pooler, classifier from disk; a different seed for nothing)
      // scores as the best epoch did.
      assertThat(CrossEncoderTraining.devSpearman(saved, dev)).isCloseTo(best, offset(1e-6));
      List<Judgement> j =
          saved.judge(List.of(new TextPair("cat", "the cat")), Branch.SYMMETRIC, n -> {});
      assertThat(j.get(0).feature()).hasSize(64);
    }
  }

  @Test
  void groupSoftmaxCrossEntropyMatchesTheFormula() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] z = {2f, -1f, 0.5f, 0f, 1f, -3f};
      float[] t = {1f, 0f, 0f, 0.5f, 0.5f, 0f};
      float loss =
          CrossEncoderTraining.groupSoftmaxCrossEntropy(m.create(z), m.create(t), 3).getFloat();
      double first = -(2 - Math.log(Math.exp(2) + Math.exp(-1) + Math.exp(0.5)));
      double logSum = Math.log(Math.exp(0) + Math.exp(1) + Math.exp(-3));
      double second = -(0.5 * (0 - logSum) + 0.5 * (1 - logSum));
      assertThat((double) loss).isCloseTo((first + second) / 2, offset(1e-6));
    }
  }

  @Test
  void listwiseTrainingLearnsToRankEachGroupsPositiveFirst(@TempDir Path out) {
    List<List<ScoredPair>> groups = groups(3, 48);
    List<ScoredPair> dev = pairs(1000, 32);
    try (CrossEncoderTeacher teacher = CrossEncoderTeacher.open(BERT, Device.cpu(), 1)) {
      double before = CrossEncoderTraining.devSpearman(teacher, dev);
      double best =
          CrossEncoderTraining.trainListwise(
              teacher,
              groups,
              dev,
              new CrossEncoderTraining.Options(6, 8, 1e-3f, 0.1f, 0.01f, 1.0, 7),
              out,
              new CrossEncoderTraining.Listener() {
                @Override
                public void step(long step, long total, double loss) {}

                @Override
                public void epoch(int epoch, double devSpearman, boolean saved) {}
              });
      assertThat(best).isGreaterThan(before + 0.3);
    }
  }

  @Test
  void listwiseTrainingRefusesUnequalGroupsAndGroupsWithoutAPositive(@TempDir Path out) {
    List<ScoredPair> three = groups(3, 1).get(0);
    List<ScoredPair> negativesOnly = three.stream().map(p -> new ScoredPair(p.pair(), 0f)).toList();
    var options = CrossEncoderTraining.Options.defaults();
    try (CrossEncoderTeacher teacher = CrossEncoderTeacher.open(BERT, Device.cpu(), 1)) {
      assertThatThrownBy(
              () ->
                  CrossEncoderTraining.trainListwise(
                      teacher, List.of(three, three.subList(0, 2)), three, options, out, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("group 1 has 2");
      assertThatThrownBy(
              () ->
                  CrossEncoderTraining.trainListwise(
                      teacher, List.of(negativesOnly), three, options, out, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("group 0 has no positive");
    }
  }

  /**
   * Groups of {@code size}: a word as query, "the WORD is here" first (1), other words after (0).
   */
  private static List<List<ScoredPair>> groups(int size, int n) {
    String[] words = {"cat", "dog", "bird", "fish", "tree", "house", "car", "book"};
    java.util.Random r = new java.util.Random(5);
    List<List<ScoredPair>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String q = words[r.nextInt(words.length)];
      List<ScoredPair> group = new ArrayList<>();
      group.add(new ScoredPair(new TextPair(q, "the " + q + " is here"), 1f));
      while (group.size() < size) {
        String other = words[r.nextInt(words.length)];
        if (!other.equals(q)) {
          group.add(new ScoredPair(new TextPair(q, "the " + other + " is here"), 0f));
        }
      }
      out.add(group);
    }
    return out;
  }

  private static List<ScoredPair> pairs(int seed, int n) {
    String[] words = {"cat", "dog", "bird", "fish", "tree", "house", "car", "book"};
    java.util.Random r = new java.util.Random(seed);
    List<ScoredPair> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String q = words[r.nextInt(words.length)];
      boolean match = r.nextBoolean();
      String other = words[r.nextInt(words.length)];
      while (other.equals(q)) {
        other = words[r.nextInt(words.length)];
      }
      String p = "the " + (match ? q : other) + " is here";
      out.add(new ScoredPair(new TextPair(q, p), match ? 1f : 0f));
    }
    return out;
  }
}
