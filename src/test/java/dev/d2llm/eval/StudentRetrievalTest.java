package dev.d2llm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.d2llm.data.BeirFiles;
import dev.d2llm.data.PositivePairs;
import dev.d2llm.data.RetrievalSet;
import dev.d2llm.data.TrainingExample;
import dev.d2llm.embedding.EncoderSettings;
import dev.d2llm.embedding.Pooling;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two-stage retrieval evaluation of a student, and the retrieval set's judged pairs as training
 * examples.
 */
class StudentRetrievalTest {

  private static final Path BERT = Path.of("test/resources/models/tiny-bert").toAbsolutePath();
  private static final RetrievalSet TINY = BeirFiles.read(Path.of("test/resources/data/beir/tiny"));

  /**
   * {@code student} with every trainable parameter moved by noise, so its IEM no longer ranks as
   * its cosine.
   */
  private static Student perturbed(Student student) {
    try (NDManager m = NDManager.newBaseManager()) {
      student
          .trainableParameters()
          .values()
          .forEach(
              p ->
                  p.getArray()
                      .addi(
                          m.randomNormal(
                              0, 0.2f, p.getArray().getShape(), p.getArray().getDataType())));
    }
    return student;
  }

  private static Student residual() {
    return Student.create(
        BERT,
        StudentConfig.residual(
            BERT.toString(),
            null,
            4,
            16,
            new EncoderSettings(Pooling.CLS, true, "query: ", "", Student.MAX_LENGTH)),
        Device.cpu(),
        9);
  }

  @Test
  void anUntrainedResidualStudentScoresAsTheCosineOfItsVectors() {
    try (Student student = residual()) {
      EvaluationResult twoStage =
          StudentRetrieval.twoStage(student, TINY, TINY.corpus().size(), 0, n -> {});
      EvaluationResult cosine = Evaluation.retrieval(new CosineScorer(student), TINY, n -> {});

      assertThat(twoStage.metrics())
          .containsOnlyKeys(
              "cosine_ndcg@10", "cosine_recall@100", "mrr@10", "recall@100", "ndcg@10");
      cosine
          .metrics()
          .forEach(
              (k, v) -> assertThat(twoStage.metrics().get(k)).as(k).isCloseTo(v, within(1e-9)));
      assertThat(twoStage.metrics().get("cosine_ndcg@10"))
          .isCloseTo(cosine.metrics().get("ndcg@10"), within(1e-9));
    }
  }

  @Test
  void withEveryPassageAsCandidateItRanksAsTheIemScoringEveryPassage() {
    try (Student student = perturbed(residual())) {
      EvaluationResult exact =
          StudentRetrieval.twoStage(student, TINY, TINY.corpus().size(), 0, n -> {});
      EvaluationResult byIem = Evaluation.retrieval(new IemScorer(student), TINY, n -> {});

      byIem
          .metrics()
          .forEach((k, v) -> assertThat(exact.metrics().get(k)).as(k).isCloseTo(v, within(1e-9)));
    }
  }

  @Test
  void withExactAlsoReportsTheIemScoringEveryPassage() {
    try (Student student = perturbed(residual())) {
      EvaluationResult twoStage =
          StudentRetrieval.twoStage(student, student, TINY, 1, 0, true, n -> {});
      EvaluationResult byIem = Evaluation.retrieval(new IemScorer(student), TINY, n -> {});

      assertThat(twoStage.metrics().get("exact_ndcg@10"))
          .isCloseTo(byIem.metrics().get("ndcg@10"), within(1e-9));
      assertThat(twoStage.metrics().get("exact_recall@100"))
          .isCloseTo(byIem.metrics().get("recall@100"), within(1e-9));
    }
  }

  @Test
  void onlyTheFirstQueriesAreJudgedWhenAsked() {
    assertThat(TINY.firstQueries(1).judgedQueries()).hasSize(1);
    assertThat(TINY.firstQueries(1).corpus()).isEqualTo(TINY.corpus());
  }

  @Test
  void judgedPairsOfARetrievalSetAreTrainingExamplesWithTheTitledPassage() {
    List<TrainingExample> examples = PositivePairs.examples(TINY, "tiny");

    assertThat(examples).extracting(TrainingExample::query).contains("axon terminals definition");
    assertThat(examples)
        .filteredOn(e -> e.query().equals("axon terminals definition"))
        .singleElement()
        .extracting(TrainingExample::positive)
        .isEqualTo("Axon Axon terminals are the distal ends of an axon.");
    assertThat(examples).allSatisfy(e -> assertThat(e.dataset()).isEqualTo("tiny"));
  }
}
