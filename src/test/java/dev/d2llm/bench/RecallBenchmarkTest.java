package dev.d2llm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import dev.d2llm.backbone.BackboneConfig;
import dev.d2llm.data.CorpusDocument;
import dev.d2llm.index.IndexBuilder;
import dev.d2llm.index.IndexReader;
import dev.d2llm.index.ModelIdentity;
import dev.d2llm.index.SearchIndex;
import dev.d2llm.index.VectorEncoding;
import dev.d2llm.lora.LoraConfig;
import dev.d2llm.search.ScoringKernels;
import dev.d2llm.search.SearchHit;
import dev.d2llm.search.SearchMode;
import dev.d2llm.search.SearchQuery;
import dev.d2llm.search.SearchResult;
import dev.d2llm.search.Searcher;
import dev.d2llm.student.Branch;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recall is measured against the exact IEM scan on the same path {@link Searcher#search} takes. */
class RecallBenchmarkTest {

  private static final Path BERT = Path.of("test/resources/models/tiny-bert").toAbsolutePath();
  private static final String FINGERPRINT = "c".repeat(64);
  private static final List<String> QUERIES =
      List.of(
          "where does the cat sleep",
          "rain over the river",
          "fresh bread on the train",
          "a guitar in the market");
  private static final int PASSAGES = 80;

  @TempDir static Path dir;
  static Student student;
  static SearchIndex index;

  @BeforeAll
  static void buildIndex() {
    StudentConfig config =
        new StudentConfig(BERT.toString(), LoraConfig.defaults(BackboneConfig.read(BERT)), 4, 16);
    student = Student.create(BERT, config, Device.cpu(), 11);
    String[] words = {
      "cat", "dog", "market", "rain", "guitar", "river", "bread", "train", "sleep", "fresh"
    };
    List<CorpusDocument> docs = new ArrayList<>();
    for (int i = 0; i < PASSAGES; i++) {
      docs.add(
          new CorpusDocument(
              "d" + i,
              "",
              "the "
                  + words[i % words.length]
                  + " near the "
                  + words[(i * 7 + 3) % words.length]
                  + " and a "
                  + words[(i * 3 + 1) % words.length]
                  + " "
                  + i));
    }
    new IndexBuilder(
            student,
            new ModelIdentity("tiny", BERT.toString(), FINGERPRINT),
            VectorEncoding.FP32,
            VectorEncoding.FP32,
            32)
        .build(docs, dir, "v1", n -> {});
    index = IndexReader.open(dir);
  }

  @AfterAll
  static void close() {
    student.close();
  }

  @Test
  void recallIsTheShareOfTheExactTopKThatSearcherTwoStageKeeps() {
    List<Integer> settings = List.of(10, 20, 40, PASSAGES);
    try (Searcher searcher = new Searcher(student, FINGERPRINT, index, ScoringKernels.best(), 1)) {
      RecallBenchmark.Report report =
          new RecallBenchmark(searcher, quiet())
              .run(QUERIES, settings, 5, Branch.ASYMMETRIC, n -> {});

      for (int s = 0; s < settings.size(); s++) {
        double expected = 0;
        for (String q : QUERIES) {
          Set<Integer> exact =
              rows(searcher.search(new SearchQuery(q, 5, Branch.ASYMMETRIC, SearchMode.EXACT, 0)));
          Set<Integer> twoStage =
              rows(
                  searcher.search(
                      new SearchQuery(
                          q, 5, Branch.ASYMMETRIC, SearchMode.TWO_STAGE, settings.get(s))));
          twoStage.retainAll(exact);
          expected += twoStage.size() / 5.0 / QUERIES.size();
        }
        assertThat(report.rows().get(s).recall())
            .as("candidates %d", settings.get(s))
            .isCloseTo(expected, within(1e-9));
      }
    }
  }

  @Test
  void everyPassageAsCandidateRecallsTheExactRankingFully() {
    try (Searcher searcher = new Searcher(student, FINGERPRINT, index, ScoringKernels.best(), 1)) {
      RecallBenchmark.Report report =
          new RecallBenchmark(searcher, quiet())
              .run(QUERIES, List.of(PASSAGES), 10, Branch.SYMMETRIC, n -> {});

      assertThat(report.rows().get(0).recall()).isEqualTo(1.0);
    }
  }

  @Test
  void judgementsOfTheExactTopPassageGiveTheExactRankingAPerfectNdcg() {
    try (Searcher searcher = new Searcher(student, FINGERPRINT, index, ScoringKernels.best(), 1)) {
      List<Map<String, Integer>> judged =
          QUERIES.stream()
              .map(
                  q ->
                      Map.of(
                          searcher
                              .search(new SearchQuery(q, 1, Branch.ASYMMETRIC, SearchMode.EXACT, 0))
                              .hits()
                              .get(0)
                              .id(),
                          2))
              .toList();

      RecallBenchmark.Report report =
          new RecallBenchmark(searcher, quiet())
              .run(QUERIES, judged, List.of(PASSAGES), 10, Branch.ASYMMETRIC, n -> {});

      assertThat(report.exactNdcg()).isEqualTo(1.0);
      assertThat(report.rows().get(0).ndcg()).isEqualTo(1.0);
      assertThat(report.cosineNdcg()).isBetween(0.0, 1.0);
    }
  }

  @Test
  void theChosenSettingIsTheSmallestThatReachesTheTarget() {
    RecallBenchmark.Report report =
        new RecallBenchmark.Report(
            50,
            10,
            90,
            120,
            5,
            List.of(
                new RecallBenchmark.Row(10, 0.71, 6, 8, Double.NaN),
                new RecallBenchmark.Row(50, 0.95, 7, 9, Double.NaN),
                new RecallBenchmark.Row(100, 0.99, 8, 10, Double.NaN)),
            Double.NaN,
            Double.NaN);

    assertThat(report.smallestReaching(0.95)).map(RecallBenchmark.Row::candidates).contains(50);
    assertThat(report.smallestReaching(0.999)).isEmpty();
  }

  private static Set<Integer> rows(SearchResult r) {
    Set<Integer> out = new HashSet<>();
    r.hits().stream().map(SearchHit::row).forEach(out::add);
    return out;
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream());
  }
}
