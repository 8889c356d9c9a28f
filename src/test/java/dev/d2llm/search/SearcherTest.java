package dev.d2llm.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import dev.d2llm.backbone.BackboneConfig;
import dev.d2llm.data.CorpusDocument;
import dev.d2llm.embedding.SentenceEncoder;
import dev.d2llm.embedding.TextRole;
import dev.d2llm.index.IndexBuilder;
import dev.d2llm.index.IndexFormatException;
import dev.d2llm.index.IndexReader;
import dev.d2llm.index.ModelIdentity;
import dev.d2llm.index.SearchIndex;
import dev.d2llm.index.VectorEncoding;
import dev.d2llm.lora.LoraConfig;
import dev.d2llm.student.Branch;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Search over a built index ranks exactly as the student scores the passages one by one. */
class SearcherTest {

  private static final Path BERT = Path.of("test/resources/models/tiny-bert").toAbsolutePath();
  private static final String FINGERPRINT = "a".repeat(64);
  private static final String QUERY = "where does the cat sleep";

  @TempDir static Path dir;
  static Student student;
  static SearchIndex index;
  static List<String> texts;

  @BeforeAll
  static void buildIndex() {
    StudentConfig config =
        new StudentConfig(BERT.toString(), LoraConfig.defaults(BackboneConfig.read(BERT)), 4, 16);
    student = Student.create(BERT, config, Device.cpu(), 7);
    List<CorpusDocument> docs = new ArrayList<>();
    String[] words = {"cat", "dog", "market", "rain", "guitar", "river", "bread", "train"};
    for (int i = 0; i < 60; i++) {
      docs.add(
          new CorpusDocument(
              "d" + i,
              i % 3 == 0 ? "title " + i : "",
              "the "
                  + words[i % words.length]
                  + " and the "
                  + words[(i * 5 + 1) % words.length]
                  + " number "
                  + i));
    }
    texts = docs.stream().map(dev.d2llm.data.CorpusFiles::passageText).toList();
    new IndexBuilder(
            student,
            new ModelIdentity("tiny", BERT.toString(), FINGERPRINT),
            VectorEncoding.FP32,
            VectorEncoding.FP32,
            16)
        .build(docs, dir, "v1", n -> {});
    index = IndexReader.open(dir);
  }

  @AfterAll
  static void close() {
    student.close();
  }

  @Test
  void aStudentFrozenForServingRanksAndScoresAsBefore() {
    StudentConfig config =
        new StudentConfig(BERT.toString(), LoraConfig.defaults(BackboneConfig.read(BERT)), 4, 16);
    try (Student twin = Student.create(BERT, config, Device.cpu(), 7);
        Searcher plain = new Searcher(twin, FINGERPRINT, index, ScoringKernels.best(), 2)) {
      SearchQuery exact = new SearchQuery(QUERY, 10, Branch.ASYMMETRIC, SearchMode.EXACT, 0);
      SearchQuery twoStage = new SearchQuery(QUERY, 5, Branch.SYMMETRIC, SearchMode.TWO_STAGE, 20);
      SearchResult exactBefore = plain.search(exact);
      SearchResult twoStageBefore = plain.search(twoStage);

      assertThat(twin.freezeForServing()).isPositive();
      try (Searcher served = new Searcher(twin, FINGERPRINT, index, ScoringKernels.best(), 2)) {
        for (SearchResult[] pair :
            new SearchResult[][] {
              {exactBefore, served.search(exact)}, {twoStageBefore, served.search(twoStage)}
            }) {
          // Repeated texts tie up to float noise of their batching, so tied rows may swap places:
          // the same rows, and the same score at every rank.
          assertThat(pair[1].hits())
              .extracting(SearchHit::row)
              .containsExactlyInAnyOrderElementsOf(
                  pair[0].hits().stream().map(SearchHit::row).toList());
          for (int i = 0; i < pair[0].hits().size(); i++) {
            assertThat(pair[1].hits().get(i).score())
                .isCloseTo(pair[0].hits().get(i).score(), within(1e-5));
          }
        }
      }
    }
  }

  @Test
  void requestsLeaveNoArraysInTheStudentsManager() {
    StudentConfig config =
        new StudentConfig(BERT.toString(), LoraConfig.defaults(BackboneConfig.read(BERT)), 4, 16);
    try (Student served = Student.create(BERT, config, Device.cpu(), 7)) {
      served.freezeForServing();
      try (Searcher searcher = new Searcher(served, FINGERPRINT, index, ScoringKernels.best(), 2)) {
        SearchQuery exact = new SearchQuery(QUERY, 10, Branch.ASYMMETRIC, SearchMode.EXACT, 0);
        SearchQuery twoStage =
            new SearchQuery(QUERY, 5, Branch.SYMMETRIC, SearchMode.TWO_STAGE, 20);
        searcher.search(exact);
        searcher.search(twoStage);
        served.embed(texts, TextRole.PASSAGE);
        int arrays = served.manager().getManagedArrays().size();
        assertThat(arrays).as("the student's own weights live there").isPositive();

        for (int i = 0; i < 10; i++) {
          searcher.search(exact);
          searcher.search(twoStage);
          served.embed(texts.subList(0, 20 + i), TextRole.QUERY);
          served.relevance(QUERY, texts.subList(0, 8), Branch.ASYMMETRIC);
        }

        assertThat(served.manager().getManagedArrays().size())
            .as("arrays in the student's manager after 40 more requests")
            .isEqualTo(arrays);
      }
    }
  }

  @Test
  void exactSearchRanksLikeTheStudentScoringEveryPassage() {
    float[] relevance = student.relevance(QUERY, texts, Branch.ASYMMETRIC);
    int[] expected = byScoreDescending(relevance, 10);

    try (Searcher searcher = new Searcher(student, FINGERPRINT, index, ScoringKernels.best(), 1)) {
      SearchResult result =
          searcher.search(new SearchQuery(QUERY, 10, Branch.ASYMMETRIC, SearchMode.EXACT, 0));

      assertThat(result.hits()).extracting(SearchHit::row).containsExactly(box(expected));
      for (SearchHit hit : result.hits()) {
        assertThat(hit.score()).isCloseTo(relevance[hit.row()], within(1e-5));
        assertThat(hit.text()).isEqualTo(texts.get(hit.row()));
        assertThat(hit.id()).isEqualTo("d" + hit.row());
      }
    }
  }

  @Test
  void twoStageWithEveryPassageAsCandidateEqualsExact() {
    try (Searcher searcher = new Searcher(student, FINGERPRINT, index, ScoringKernels.best(), 2)) {
      SearchResult exact =
          searcher.search(new SearchQuery(QUERY, 5, Branch.SYMMETRIC, SearchMode.EXACT, 0));
      SearchResult twoStage =
          searcher.search(new SearchQuery(QUERY, 5, Branch.SYMMETRIC, SearchMode.TWO_STAGE, 60));

      assertThat(twoStage.hits())
          .extracting(SearchHit::row)
          .containsExactlyElementsOf(exact.hits().stream().map(SearchHit::row).toList());
    }
  }

  @Test
  void theFirstStageReturnsTheHighestCosines() {
    float[] q = student.embed(List.of(QUERY), TextRole.QUERY)[0];
    float[][] p = student.embed(texts, TextRole.PASSAGE);
    float[] cos = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      cos[i] = (float) dev.d2llm.embedding.SentenceEncoder.cosine(q, p[i]);
    }
    try (Searcher searcher =
        new Searcher(student, FINGERPRINT, index, new ScalarScoringKernel(), 1)) {
      TopK.Ranked top = searcher.cosineTop(SentenceEncoder.unit(q), 8);

      // The corpus repeats texts, so rows tie up to float noise of their batching: compare the
      // cosines returned with the 8 highest, and each row's score with its own cosine.
      int[] best = byScoreDescending(cos, 8);
      for (int i = 0; i < 8; i++) {
        assertThat(top.scores()[i]).isCloseTo(cos[best[i]], within(1e-5f));
        assertThat(top.scores()[i]).isCloseTo(cos[top.rows()[i]], within(1e-5f));
      }
    }
  }

  @Test
  void anIndexBuiltByAnotherModelIsRefused() {
    assertThatThrownBy(() -> new Searcher(student, "b".repeat(64), index, ScoringKernels.best(), 1))
        .isInstanceOf(IndexFormatException.class)
        .hasMessageContaining("not by the loaded student")
        .hasMessageContaining("rebuild the index");
  }

  private static int[] byScoreDescending(float[] scores, int k) {
    return IntStream.range(0, scores.length)
        .boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i))
        .limit(k)
        .mapToInt(Integer::intValue)
        .toArray();
  }

  private static Integer[] box(int[] a) {
    return Arrays.stream(a).boxed().toArray(Integer[]::new);
  }
}
