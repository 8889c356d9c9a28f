package dev.d2llm.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.d2llm.index.VectorRows;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SIMD kernel agrees with the scalar reference on fp32 and int8 rows of any width. */
class ScoringKernelTest {

  private final ScoringKernel scalar = new ScalarScoringKernel();
  private final ScoringKernel vector =
      ScoringKernels.vector()
          .orElseThrow(
              () ->
                  new AssertionError(
                      "the test JVM runs with --add-modules jdk.incubator.vector, so the vector kernel must load"));

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 8, 31, 64, 384, 385})
  void vectorMatchesScalarOnFloatRows(int width) {
    Random random = new Random(width);
    int rows = 53;
    float[] values = new float[rows * width];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    float[] query = query(random, width);
    VectorRows m = new VectorRows.Floats(values, rows, width);

    assertAgree(m, query, 3, 50, width);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 8, 31, 64, 384, 385})
  void vectorMatchesScalarOnInt8Rows(int width) {
    Random random = new Random(width + 1000);
    int rows = 41;
    byte[] values = new byte[rows * width];
    random.nextBytes(values);
    for (int i = 0; i < values.length; i++) {
      values[i] = (byte) Math.max(-127, values[i]);
    }
    float[] scales = new float[rows];
    for (int r = 0; r < rows; r++) {
      scales[r] = 0.001f + random.nextFloat() / 100;
    }
    VectorRows m = new VectorRows.Int8(values, scales, rows, width);

    assertAgree(m, query(random, width), 0, rows, width);
  }

  @Test
  void theTestJvmGetsTheVectorKernel() {
    assertThat(ScoringKernels.best().name()).startsWith("vector-");
  }

  private void assertAgree(VectorRows m, float[] query, int from, int to, int width) {
    float[] expected = new float[to - from];
    float[] actual = new float[to - from];
    scalar.dotProducts(m, query, from, to, expected);
    vector.dotProducts(m, query, from, to, actual);
    for (int i = 0; i < expected.length; i++) {
      float[] row = m.row(from + i);
      double exact = 0;
      for (int j = 0; j < width; j++) {
        exact += (double) row[j] * query[j];
      }
      assertThat((double) expected[i])
          .isCloseTo(exact, within(1e-4 * Math.max(1, Math.abs(exact)) * Math.sqrt(width)));
      assertThat(actual[i])
          .isCloseTo(
              expected[i],
              within(1e-4f * Math.max(1, Math.abs(expected[i])) * (float) Math.sqrt(width)));
    }
  }

  private static float[] query(Random random, int width) {
    float[] q = new float[width];
    for (int i = 0; i < width; i++) {
      q[i] = (float) random.nextGaussian();
    }
    return q;
  }
}
