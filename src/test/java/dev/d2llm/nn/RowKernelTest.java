package dev.d2llm.nn;

import static dev.d2llm.FloatArrays.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The few-row projection kernel computes what PyTorch's linear does, and a frozen Linear uses it
 * only where it may.
 */
class RowKernelTest {

  private static final RowKernel KERNEL = RowKernels.best().orElseThrow();

  @ParameterizedTest(name = "{0} rows, {1} -> {2}, bias {3}")
  @CsvSource({
    "1,384,384,true",
    "2,384,1536,true",
    "3,1536,384,true",
    "5,37,7,true",
    "4,16,4,false",
    "7,100,13,false",
    "32,64,96,true"
  })
  void kernelMatchesPyTorchLinear(int rows, int in, int out, boolean withBias) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomNormal(new Shape(rows, in));
      NDArray w = m.randomNormal(0, 0.1f, new Shape(out, in), DataType.FLOAT32);
      NDArray b = withBias ? m.randomNormal(new Shape(out)) : null;
      float[] expected = x.getNDArrayInternal().linear(x, w, b).singletonOrThrow().toFloatArray();

      float[] y = new float[rows * out];
      KERNEL.linear(
          x.toFloatArray(),
          rows,
          w.toFloatArray(),
          b == null ? null : b.toFloatArray(),
          in,
          out,
          y);

      assertThat(maxAbsDiff(y, expected)).isLessThan(1e-4f);
    }
  }

  @Test
  void aFrozenLinearGivesPyTorchsOutputForFewAndManyRowsAndWhileTraining() {
    try (NDManager m = NDManager.newBaseManager()) {
      Linear linear = new Linear(48, 40, true);
      linear.initializeMissing(m, 3);
      NDArray few = m.randomNormal(new Shape(1, 3, 48));
      NDArray many = m.randomNormal(new Shape(2, Linear.FEW_ROWS, 48));
      float[] fewBefore = linear.apply(null, few, false).toFloatArray();
      float[] manyBefore = linear.apply(null, many, false).toFloatArray();

      assertThat(linear.freeze(KERNEL)).isTrue();
      NDArray fewAfter = linear.apply(null, few, false);

      assertThat(fewAfter.getShape()).isEqualTo(new Shape(1, 3, 40));
      assertThat(maxAbsDiff(fewAfter.toFloatArray(), fewBefore)).isLessThan(1e-5f);
      assertThat(maxAbsDiff(linear.apply(null, many, false).toFloatArray(), manyBefore))
          .isLessThan(1e-5f);
      assertThat(maxAbsDiff(linear.apply(null, few, true).toFloatArray(), fewBefore))
          .isLessThan(1e-5f);
      // a width that is not the projection's is PyTorch's error, not rows cut from the flat data
      assertThatThrownBy(() -> linear.apply(null, m.ones(new Shape(2, 47)), false))
          .isInstanceOf(RuntimeException.class);
    }
  }

  @Test
  void onlyAProjectionWithoutAnAdapterFreezesAndAFrozenOneTakesNoAdapter() {
    try (NDManager m = NDManager.newBaseManager()) {
      Linear withAdapter = new Linear(8, 8, false);
      withAdapter.attachAdapter(new Linear(8, 8, false));
      withAdapter.initializeMissing(m, 2);
      Linear plain = new Linear(8, 8, false);
      plain.initializeMissing(m, 3);

      assertThat(withAdapter.freeze(KERNEL)).isFalse();
      assertThat(withAdapter.frozen()).isFalse();
      withAdapter.mergeAdapter(m.zeros(new Shape(8, 8)));
      assertThat(withAdapter.freeze(KERNEL)).isTrue();

      assertThat(plain.freeze(KERNEL)).isTrue();
      assertThatThrownBy(() -> plain.attachAdapter(new Linear(8, 8, false)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("frozen");
    }
  }

  @Test
  void outputsSplitOverHelpersEqualOneThreadsEvenForConcurrentCallers() throws Exception {
    RowKernel one = new VectorRowKernel();
    RowKernel spread = new ParallelRowKernel(one, 3);
    Random random = new Random(5);
    int rows = 9;
    int in = 130;
    int out = 1001; // parts of unequal size, the last not a multiple of four
    float[] x = new float[rows * in];
    float[] w = new float[out * in];
    float[] b = new float[out];
    for (float[] a : new float[][] {x, w, b}) {
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) random.nextGaussian();
      }
    }
    float[] expected = new float[rows * out];
    one.linear(x, rows, w, b, in, out, expected);

    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      List<Future<float[]>> results = new ArrayList<>();
      for (int c = 0; c < 40; c++) {
        results.add(
            callers.submit(
                () -> {
                  float[] y = new float[rows * out];
                  spread.linear(x, rows, w, b, in, out, y);
                  return y;
                }));
      }
      for (Future<float[]> f : results) {
        // equal up to the order reduceLanes sums in, which differs between interpreted and compiled
        // code
        assertThat(maxAbsDiff(f.get(), expected)).isLessThan(1e-4f);
      }
    } finally {
      callers.shutdownNow();
    }
  }
}
