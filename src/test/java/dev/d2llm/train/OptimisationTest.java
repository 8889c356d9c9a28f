package dev.d2llm.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AdamW, the warm-up schedule and global-norm clipping against hand-computed values. */
class OptimisationTest {

  @Test
  void adamWTakesTheTextbookStepsWithDecoupledDecayOnWeightsOnly() {
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter w = param(m, "w", Parameter.Type.WEIGHT, 1.0f);
      Parameter b = param(m, "b", Parameter.Type.BIAS, 1.0f);
      Map<String, Parameter> params = new LinkedHashMap<>(Map.of("w", w, "b", b));
      AdamW adam = new AdamW(params, 0.8f, 0.999f, 1e-6f, 0.1f);
      double[] hw = {1.0};
      double[] hb = {1.0};
      double[] mw = {0}, vw = {0}, mb = {0}, vb = {0};
      for (int t = 1; t <= 3; t++) {
        // loss = 3 w^2 + 2 b: gradients 6w and 2
        backward(m, w, b);
        adam.step(0.01f);
        reference(hw, mw, vw, 6 * hw[0], t, 0.1);
        reference(hb, mb, vb, 2, t, 0.0);
        assertThat((double) w.getArray().getFloat()).isCloseTo(hw[0], offset(1e-5));
        assertThat((double) b.getArray().getFloat()).isCloseTo(hb[0], offset(1e-5));
      }
      assertThat(adam.stepCount()).isEqualTo(3);
    }
  }

  @Test
  void scheduleWarmsUpLinearlyThenDecaysToZero() {
    LearningRateSchedule s = new LearningRateSchedule(1e-4f, 10, 110);

    assertThat(s.at(5)).isCloseTo(5e-5f, offset(1e-9f));
    assertThat(s.at(10)).isCloseTo(1e-4f, offset(1e-9f));
    assertThat(s.at(60)).isCloseTo(5e-5f, offset(1e-9f));
    assertThat(s.at(110)).isZero();
  }

  @Test
  void clippingScalesEveryGradientByTheGlobalNorm() {
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter w = param(m, "w", Parameter.Type.WEIGHT, 1.0f);
      Parameter b = param(m, "b", Parameter.Type.BIAS, 1.0f);
      backward(m, w, b); // gradients 6 and 2: norm sqrt(40)

      double norm = GradientClipping.clipGlobalNorm(List.of(w, b), 1.0);

      assertThat(norm).isCloseTo(Math.sqrt(40), offset(1e-5));
      assertThat((double) w.getArray().getGradient().getFloat())
          .isCloseTo(6 / Math.sqrt(40), offset(1e-5));
      assertThat((double) b.getArray().getGradient().getFloat())
          .isCloseTo(2 / Math.sqrt(40), offset(1e-5));
    }
  }

  private static void reference(double[] x, double[] m, double[] v, double g, int t, double wd) {
    double lr = 0.01;
    x[0] -= lr * wd * x[0];
    m[0] = 0.8 * m[0] + 0.2 * g;
    v[0] = 0.999 * v[0] + 0.001 * g * g;
    double mhat = m[0] / (1 - Math.pow(0.8, t));
    double vhat = v[0] / (1 - Math.pow(0.999, t));
    // PyTorch's AdamW puts eps outside the bias-corrected root; DJL's kernel folds the correction
    // into the rate, which places eps at eps * sqrt(1 - beta2^t): tiny at eps 1e-6.
    x[0] -= lr * mhat / (Math.sqrt(vhat) + 1e-6 / Math.sqrt(1 - Math.pow(0.999, t)));
  }

  private static void backward(NDManager m, Parameter w, Parameter b) {
    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
      NDArray loss = w.getArray().square().mul(3).add(b.getArray().mul(2)).sum();
      c.backward(loss);
    }
  }

  private static Parameter param(NDManager m, String name, Parameter.Type type, float value) {
    Parameter p = Parameter.builder().setName(name).setType(type).build();
    NDArray a = m.create(new float[] {value});
    a.setRequiresGradient(true);
    p.setArray(a);
    return p;
  }
}
