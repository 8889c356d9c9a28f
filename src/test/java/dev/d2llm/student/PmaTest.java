package dev.d2llm.student;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PMA pooling as the method defines it, held to a plain-Java reference of the same formulas. */
class PmaTest {

  private static final int D = 8;
  private static final int H = 2;
  private static final int T = 5;

  private NDManager manager;
  private Pma pma;

  @BeforeEach
  void create() {
    manager = NDManager.newBaseManager();
    pma = new Pma(D, H);
    pma.initializeMissing(manager, 11);
    // Non-trivial norms and biases so that every term of the formula shows in the output.
    pma.namedParameters()
        .forEach(
            (n, p) -> {
              if (n.endsWith("bias") || n.startsWith("ln")) {
                p.getArray()
                    .addi(
                        manager.randomNormal(
                            0, 0.3f, p.getArray().getShape(), p.getArray().getDataType()));
              }
            });
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void matchesThePlainReferenceOfTheMethod() {
    float[] hidden = gaussian(2 * T * D, 1);
    long[] mask = {1, 1, 1, 0, 0, 1, 1, 1, 1, 1};

    float[] ours = pool(hidden, mask);

    for (int b = 0; b < 2; b++) {
      double[] expected = reference(hidden, mask, b);
      for (int i = 0; i < D; i++) {
        assertThat((double) ours[b * D + i])
            .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5));
      }
    }
  }

  @Test
  void paddedTokensHaveNoInfluence() {
    float[] hidden = gaussian(2 * T * D, 2);
    long[] mask = {1, 1, 1, 0, 0, 1, 1, 1, 1, 1};
    float[] changed = hidden.clone();
    for (int t = 3; t < T; t++) {
      for (int i = 0; i < D; i++) {
        changed[t * D + i] += 100f;
      }
    }

    assertThat(pool(changed, mask)).containsExactly(pool(hidden, mask));
  }

  @Test
  void headsMustDivideTheWidth() {
    assertThatThrownBy(() -> new Pma(10, 3)).hasMessageContaining("divide the hidden size 10");
  }

  private float[] pool(float[] hidden, long[] mask) {
    try (NDManager scope = manager.newSubManager()) {
      NDArray h = scope.create(hidden, new Shape(2, T, D));
      NDArray m = scope.create(mask, new Shape(2, T));
      NDArray out = pma.pool(null, h, m, false);
      assertThat(out.getShape()).isEqualTo(new Shape(2, D));
      return out.toFloatArray();
    }
  }

  /** The method's PMA for row b, in doubles, straight from the formulas. */
  private double[] reference(float[] hidden, long[] mask, int b) {
    double[] s = arr("S");
    double[] q = linear(s, "fc_q");
    double[][] k = new double[T][];
    double[][] v = new double[T][];
    for (int t = 0; t < T; t++) {
      double[] x = new double[D];
      for (int i = 0; i < D; i++) {
        x[i] = hidden[(b * T + t) * D + i];
      }
      k[t] = linear(x, "fc_k");
      v[t] = linear(x, "fc_v");
    }
    int dh = D / H;
    double[] o = new double[D];
    for (int head = 0; head < H; head++) {
      double[] score = new double[T];
      double max = Double.NEGATIVE_INFINITY;
      for (int t = 0; t < T; t++) {
        if (mask[b * T + t] == 0) {
          score[t] = Double.NEGATIVE_INFINITY;
          continue;
        }
        double dot = 0;
        for (int i = head * dh; i < (head + 1) * dh; i++) {
          dot += q[i] * k[t][i];
        }
        score[t] = dot / Math.sqrt(D); // the full width, as the method says
        max = Math.max(max, score[t]);
      }
      double sum = 0;
      for (int t = 0; t < T; t++) {
        score[t] = Math.exp(score[t] - max);
        sum += score[t];
      }
      for (int t = 0; t < T; t++) {
        for (int i = head * dh; i < (head + 1) * dh; i++) {
          o[i] += score[t] / sum * v[t][i];
        }
      }
    }
    for (int i = 0; i < D; i++) {
      o[i] += s[i];
    }
    o = layerNorm(o, "ln0");
    double[] f = linear(o, "fc_o");
    for (int i = 0; i < D; i++) {
      o[i] += Math.max(0, f[i]);
    }
    return layerNorm(o, "ln1");
  }

  private double[] linear(double[] x, String name) {
    double[] w = arr(name + ".weight");
    double[] bias = arr(name + ".bias");
    double[] y = new double[D];
    for (int r = 0; r < D; r++) {
      y[r] = bias[r];
      for (int c = 0; c < D; c++) {
        y[r] += w[r * D + c] * x[c];
      }
    }
    return y;
  }

  private double[] layerNorm(double[] x, String name) {
    double mean = 0;
    for (double v : x) {
      mean += v / D;
    }
    double var = 0;
    for (double v : x) {
      var += (v - mean) * (v - mean) / D;
    }
    double[] g = arr(name + ".weight");
    double[] bias = arr(name + ".bias");
    double[] y = new double[D];
    for (int i = 0; i < D; i++) {
      y[i] = (x[i] - mean) / Math.sqrt(var + 1e-5) * g[i] + bias[i];
    }
    return y;
  }

  private double[] arr(String name) {
    float[] f = pma.namedParameters().get(name).getArray().toFloatArray();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private static float[] gaussian(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }
}
