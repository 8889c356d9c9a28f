package dev.d2llm.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.d2llm.index.VectorRows;
import dev.d2llm.search.ScalarScoringKernel;
import dev.d2llm.search.TopK;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Lucene's exact search returns the rows our scan ranks first, in the same order, with the same
 * cosines.
 */
class LuceneVectorSearchTest {

  // More rows than Lucene's tiny-segment threshold (647 with the default settings), so a default
  // codec would build an HNSW graph here and search it approximately; only the flat path is exact.
  private static final int ROWS = 1_500;
  private static final int WIDTH = 24;
  private static final int K = 10;

  @ParameterizedTest(name = "{0} segment(s), {1} thread(s)")
  @CsvSource({"1, 1", "3, 2"})
  void exactSearchFindsTheRowsOurScanRanksFirst(int segments, int threads) {
    Random random = new Random(17);
    VectorRows rows = new VectorRows.Floats(unitRows(random, ROWS, WIDTH), ROWS, WIDTH);

    try (LuceneVectorSearch lucene = LuceneVectorSearch.build(rows, segments, threads)) {
      assertThat(lucene.segments()).isEqualTo(segments);
      for (int q = 0; q < 25; q++) {
        float[] query = unitRows(random, 1, WIDTH);
        TopK.Ranked ours = scan(rows, query);

        TopK.Ranked theirs = lucene.search(query, K);

        assertThat(theirs.rows()).as("query %d", q).containsExactly(ours.rows());
        for (int i = 0; i < K; i++) {
          assertThat(theirs.scores()[i]).isCloseTo(ours.scores()[i], within(1e-5f));
        }
      }
    }
  }

  private static TopK.Ranked scan(VectorRows rows, float[] query) {
    float[] scores = new float[rows.rows()];
    new ScalarScoringKernel().dotProducts(rows, query, 0, rows.rows(), scores);
    TopK top = new TopK(K);
    top.offer(scores, scores.length, 0);
    return top.order();
  }

  private static float[] unitRows(Random random, int n, int width) {
    float[] v = new float[n * width];
    for (int r = 0; r < n; r++) {
      double sum = 0;
      for (int i = 0; i < width; i++) {
        float x = (float) random.nextGaussian();
        v[r * width + i] = x;
        sum += x * x;
      }
      float inv = (float) (1 / Math.sqrt(sum));
      for (int i = 0; i < width; i++) {
        v[r * width + i] *= inv;
      }
    }
    return v;
  }
}
