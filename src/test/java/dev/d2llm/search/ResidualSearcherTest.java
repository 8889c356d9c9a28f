package dev.d2llm.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.d2llm.data.CorpusDocument;
import dev.d2llm.data.CorpusFiles;
import dev.d2llm.embedding.EncoderSettings;
import dev.d2llm.embedding.Pooling;
import dev.d2llm.embedding.SentenceEncoder;
import dev.d2llm.embedding.TextRole;
import dev.d2llm.index.IndexBuilder;
import dev.d2llm.index.IndexReader;
import dev.d2llm.index.ModelIdentity;
import dev.d2llm.index.SearchIndex;
import dev.d2llm.index.VectorEncoding;
import dev.d2llm.student.Branch;
import dev.d2llm.student.DomainGate;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Search with a residual student: untrained, its exact and two-stage rankings are its cosine
 * ranking; trained, the served logits (cosines from the scan, projections from the index) are the
 * student's own scores, frozen for serving or not.
 */
class ResidualSearcherTest {

  private static final Path BERT = Path.of("test/resources/models/tiny-bert").toAbsolutePath();
  private static final String FINGERPRINT = "c".repeat(64);
  private static final String QUERY = "where does the cat sleep";
  private static final StudentConfig CONFIG =
      StudentConfig.residual(
          BERT.toString(),
          null,
          4,
          16,
          new EncoderSettings(Pooling.CLS, true, "query: ", "", Student.MAX_LENGTH));

  @TempDir Path dir;

  private static List<CorpusDocument> corpus() {
    List<CorpusDocument> docs = new ArrayList<>();
    String[] words = {"cat", "dog", "market", "rain", "guitar", "river", "bread", "train"};
    for (int i = 0; i < 40; i++) {
      docs.add(
          new CorpusDocument(
              "d" + i,
              "",
              "the "
                  + words[i % words.length]
                  + " and the "
                  + words[(i * 3 + 1) % words.length]
                  + " number "
                  + i));
    }
    return docs;
  }

  private SearchIndex index(Student student, List<CorpusDocument> docs) {
    new IndexBuilder(
            student,
            new ModelIdentity("tiny", BERT.toString(), FINGERPRINT),
            VectorEncoding.FP32,
            VectorEncoding.FP32,
            16)
        .build(docs, dir, "v1", n -> {});
    return IndexReader.open(dir);
  }

  @Test
  void anUntrainedResidualStudentSearchesExactlyByCosine() {
    List<CorpusDocument> docs = corpus();
    try (Student student = Student.create(BERT, CONFIG, Device.cpu(), 5)) {
      SearchIndex index = index(student, docs);
      float[] q = student.embed(List.of(QUERY), TextRole.QUERY)[0];
      float[][] p =
          student.embed(docs.stream().map(CorpusFiles::passageText).toList(), TextRole.PASSAGE);
      List<Integer> byCosine =
          IntStream.range(0, p.length)
              .boxed()
              .sorted(Comparator.comparingDouble((Integer i) -> -SentenceEncoder.cosine(q, p[i])))
              .limit(10)
              .toList();
      try (Searcher searcher =
          new Searcher(student, FINGERPRINT, index, ScoringKernels.best(), 1)) {
        for (SearchMode mode : SearchMode.values()) {
          SearchResult r = searcher.search(new SearchQuery(QUERY, 10, Branch.ASYMMETRIC, mode, 20));
          assertThat(r.hits())
              .as("%s", mode)
              .extracting(SearchHit::row)
              .containsExactlyElementsOf(byCosine);
        }
      }
    }
  }

  @Test
  void servedLogitsOfATrainedResidualStudentAreItsOwnScores() {
    List<CorpusDocument> docs = corpus();
    List<String> texts = docs.stream().map(CorpusFiles::passageText).toList();
    try (Student student = Student.create(BERT, CONFIG, Device.cpu(), 5)) {
      try (NDManager m = NDManager.newBaseManager()) {
        student
            .trainableParameters()
            .values()
            .forEach(
                x ->
                    x.getArray()
                        .addi(
                            m.randomNormal(
                                0, 0.1f, x.getArray().getShape(), x.getArray().getDataType())));
      }
      SearchIndex index = index(student, docs);
      float[] relevance = student.relevance(QUERY, texts, Branch.ASYMMETRIC);
      assertServedScoresAre(student, index, relevance);
    }
  }

  @Test
  void servedLogitsOfADomainGatedStudentAreItsOwnScores() {
    List<CorpusDocument> docs = corpus();
    List<String> texts = docs.stream().map(CorpusFiles::passageText).toList();
    try (Student student = Student.create(BERT, CONFIG, Device.cpu(), 5)) {
      float[] q0 = SentenceEncoder.unit(student.embed(List.of(QUERY), TextRole.QUERY)[0]);
      float[][] p0 = student.embed(texts, TextRole.PASSAGE);
      double meanCosine = 0;
      for (float[] p : p0) {
        meanCosine += SentenceEncoder.cosine(q0, p) / p0.length;
      }
      // Logits near 0 (probabilities away from 0 and 1), then an MLP that moves them: seeded noise.
      student.iem().centreCosineAt(Branch.ASYMMETRIC, (float) meanCosine);
      java.util.Random random = new java.util.Random(11);
      student
          .iem()
          .namedParameters()
          .forEach(
              (n, x) -> {
                if (n.startsWith("fc")) {
                  float[] v = x.getArray().toFloatArray();
                  for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (random.nextGaussian() * 0.3);
                  }
                  x.getArray().set(java.nio.FloatBuffer.wrap(v));
                }
              });
      float[] ungated = student.relevance(QUERY, texts, Branch.ASYMMETRIC);
      float[] q = SentenceEncoder.unit(student.embed(List.of(QUERY), TextRole.QUERY)[0]);
      float[][] p = student.embed(texts, TextRole.PASSAGE);
      // The query at weight 0.5; passages from weight 0 to 1 across the 20th-80th percentiles of
      // their own spread.
      DomainGate gate =
          new DomainGate(new DomainGate.Side(q, 0.5f, 1.5f), DomainGate.Side.fit(p, 20, 80));
      student.iem().setGate(Branch.ASYMMETRIC, gate);
      float[] relevance = student.relevance(QUERY, texts, Branch.ASYMMETRIC);
      assertThat(relevance).isNotEqualTo(ungated);
      SearchIndex index = index(student, docs);
      assertServedScoresAre(student, index, relevance);
    }
  }

  /**
   * Exact and two-stage search, before and after freezing for serving, serve {@code relevance} for
   * every row.
   */
  private static void assertServedScoresAre(Student student, SearchIndex index, float[] relevance) {
    for (boolean frozen : new boolean[] {false, true}) {
      if (frozen) {
        assertThat(student.freezeForServing()).isPositive();
      }
      try (Searcher searcher =
          new Searcher(student, FINGERPRINT, index, ScoringKernels.best(), 2)) {
        for (SearchMode mode : SearchMode.values()) {
          SearchResult r = searcher.search(new SearchQuery(QUERY, 40, Branch.ASYMMETRIC, mode, 40));
          assertThat(r.hits()).hasSize(40);
          for (SearchHit hit : r.hits()) {
            assertThat(hit.score())
                .as("%s frozen=%s row %d", mode, frozen, hit.row())
                .isCloseTo(relevance[hit.row()], within(1e-4));
          }
        }
      }
    }
  }
}
