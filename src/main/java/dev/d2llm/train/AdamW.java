package dev.d2llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (decoupled weight decay, Loshchilov and Hutter) over named parameters, with no decay on
 * biases and normalisation scales and shifts, as the reference trainer configures it. Its moments
 * and step count are part of a checkpoint, so a resumed run continues exactly.
 */
public final class AdamW {

  private final Map<String, Parameter> parameters;
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final float weightDecay;
  private final Map<String, NDArray> means = new LinkedHashMap<>();
  private final Map<String, NDArray> variances = new LinkedHashMap<>();
  private long step;

  /** The method's settings: betas (0.8, 0.999), eps 1e-6, weight decay 0.01. */
  public static AdamW defaults(Map<String, Parameter> parameters) {
    return new AdamW(parameters, 0.8f, 0.999f, 1e-6f, 0.01f);
  }

  public AdamW(
      Map<String, Parameter> parameters,
      float beta1,
      float beta2,
      float epsilon,
      float weightDecay) {
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("betas must lie in [0, 1), found " + beta1 + ", " + beta2);
    }
    if (!(epsilon > 0) || weightDecay < 0) {
      throw new IllegalArgumentException(
          "need epsilon > 0 and weight decay >= 0, found " + epsilon + ", " + weightDecay);
    }
    this.parameters = new LinkedHashMap<>(parameters);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
  }

  /** Whether {@code p} takes weight decay: weights do; biases and norm scales/shifts do not. */
  public static boolean decays(Parameter p) {
    Parameter.Type t = p.getType();
    return t != Parameter.Type.BIAS && t != Parameter.Type.GAMMA && t != Parameter.Type.BETA;
  }

  /** One update at learning rate {@code lr} from the gradients autograd left on the parameters. */
  public void step(float lr) {
    step++;
    float correction =
        (float) (lr * Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(beta1, step)));
    for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
      NDArray w = e.getValue().getArray();
      NDArray grad = w.getGradient();
      NDArray m = means.computeIfAbsent(e.getKey(), k -> state(w));
      NDArray v = variances.computeIfAbsent(e.getKey(), k -> state(w));
      float decay = decays(e.getValue()) ? weightDecay : 0f;
      w.getNDArrayInternal()
          .adamUpdate(
              new NDList(w, grad, m, v),
              new NDList(w),
              lr,
              correction,
              decay,
              1f,
              -1f,
              beta1,
              beta2,
              epsilon,
              false,
              true);
      grad.close();
    }
  }

  private static NDArray state(NDArray w) {
    NDArray z = w.zerosLike();
    z.attach(w.getManager());
    return z;
  }

  /** Updates taken so far. */
  public long stepCount() {
    return step;
  }

  /**
   * First and second moments by parameter name ({@code m.<name>}, {@code v.<name>}), for
   * checkpoints.
   */
  public Map<String, NDArray> state() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    means.forEach((n, a) -> out.put("m." + n, a));
    variances.forEach((n, a) -> out.put("v." + n, a));
    return out;
  }

  /** Restores moments and step count written by {@link #state()} and {@link #stepCount()}. */
  public void restore(Map<String, float[]> state, long stepCount, NDManager manager) {
    step = stepCount;
    for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
      NDArray w = e.getValue().getArray();
      float[] m = state.get("m." + e.getKey());
      float[] v = state.get("v." + e.getKey());
      if (m == null || v == null) {
        throw new IllegalArgumentException(
            "optimizer state lacks the moments of '" + e.getKey() + "'");
      }
      NDArray mean = manager.create(m, w.getShape());
      NDArray var = manager.create(v, w.getShape());
      means.put(e.getKey(), mean);
      variances.put(e.getKey(), var);
    }
  }
}
