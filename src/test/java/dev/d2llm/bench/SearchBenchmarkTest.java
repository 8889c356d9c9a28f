package dev.d2llm.bench;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.d2llm.search.SearchMode;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search benchmark measures what it says: every query at every concurrency, and Lucene on the
 * very same vectors.
 */
class SearchBenchmarkTest {

  private static final Path BERT = Path.of("test/resources/models/tiny-bert").toAbsolutePath();
  private static final String FINGERPRINT = "d".repeat(64);

  @Test
  void everyConcurrencyTimesEveryQueryAndLuceneFindsTheSameRows(@TempDir Path dir) {
    StudentConfig config =
        new StudentConfig(BERT.toString(), LoraConfig.defaults(BackboneConfig.read(BERT)), 4, 16);
    try (Student student = Student.create(BERT, config, Device.cpu(), 3)) {
      List<CorpusDocument> docs = new ArrayList<>();
      for (int i = 0; i < 120; i++) {
        docs.add(
            new CorpusDocument(
                "d" + i, "", "passage " + i + " about the " + (i % 2 == 0 ? "cat" : "river")));
      }
      new IndexBuilder(
              student,
              new ModelIdentity("tiny", BERT.toString(), FINGERPRINT),
              VectorEncoding.FP32,
              VectorEncoding.FP32,
              64)
          .build(docs, dir, "v1", n -> {});
      SearchIndex index = IndexReader.open(dir);
      List<String> queries = IntStream.range(0, 14).mapToObj(i -> "query number " + i).toList();
      SearchBenchmark.Options options =
          new SearchBenchmark.Options(
              2, List.of(1, 3), SearchMode.TWO_STAGE, 20, 5, 2, 6, 1, 1 << 20, 1, false);

      SearchBenchmark.Report report =
          new SearchBenchmark(
                  student,
                  FINGERPRINT,
                  index,
                  ScoringKernels.best(),
                  new PrintStream(new ByteArrayOutputStream()))
              .run(queries, options);

      assertThat(report.latency())
          .extracting(SearchBenchmark.Latency::concurrency)
          .containsExactly(1, 3);
      assertThat(report.latency()).extracting(SearchBenchmark.Latency::queries).containsOnly(12);
      assertThat(report.peers()).extracting(SearchBenchmark.Peer::threads).containsExactly(1, 2);
      assertThat(report.peers()).extracting(SearchBenchmark.Peer::segments).containsExactly(1, 2);
      assertThat(report.peers()).extracting(SearchBenchmark.Peer::agreement).containsOnly(1.0);
      assertThat(report.scans())
          .extracting(SearchBenchmark.Scan::encoding)
          .containsExactly("fp32", "int8", "fp32", "int8");
    }
  }

  @Test
  void percentilesAreNearestRank() {
    double[] values = IntStream.rangeClosed(1, 200).mapToDouble(i -> 201 - i).toArray();

    assertThat(SearchBenchmark.percentile(values, 50)).isEqualTo(100);
    assertThat(SearchBenchmark.percentile(values, 99)).isEqualTo(198);
    assertThat(SearchBenchmark.percentile(new double[] {7}, 99)).isEqualTo(7);
  }

  @Test
  void overlapIsTheShareOfTheFirstRowsTheSecondAlsoHolds() {
    assertThat(SearchBenchmark.overlap(new int[] {1, 2, 3, 4}, new int[] {4, 9, 1, 8}))
        .isEqualTo(0.5);
  }
}
