package dev.d2llm.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.Random;

/** How a parameter trained from scratch starts, following PyTorch's conventions for each kind. */
public enum ParameterInit {
  /** All zeros: biases, LayerNorm shifts, LoRA's B (so an adapter starts as the identity). */
  ZEROS,
  /** All ones: LayerNorm and RMSNorm scales. */
  ONES,
  /** Glorot uniform, bound sqrt(6 / (fan_in + fan_out)): PMA and IEM linears and the PMA seed. */
  XAVIER_UNIFORM,
  /**
   * PyTorch's Linear default, Kaiming uniform with a = sqrt(5), bound 1/sqrt(fan_in): LoRA's A as
   * PEFT starts it.
   */
  KAIMING_UNIFORM;

  /**
   * The default for a DJL parameter type: zeros for biases and shifts, ones for scales, Xavier
   * otherwise.
   */
  public static ParameterInit defaultFor(Parameter.Type type) {
    if (type == Parameter.Type.BIAS || type == Parameter.Type.BETA) {
      return ZEROS;
    }
    if (type == Parameter.Type.GAMMA) {
      return ONES;
    }
    return XAVIER_UNIFORM;
  }

  /** Values for a tensor of {@code shape} ([out, in, ...] as PyTorch stores weights). */
  float[] values(Shape shape, Random random) {
    float[] v = new float[Math.toIntExact(shape.size())];
    switch (this) {
      case ZEROS -> {}
      case ONES -> java.util.Arrays.fill(v, 1f);
      case XAVIER_UNIFORM ->
          fillUniform(v, Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape))), random);
      case KAIMING_UNIFORM -> fillUniform(v, 1.0 / Math.sqrt(fanIn(shape)), random);
    }
    return v;
  }

  private static void fillUniform(float[] v, double bound, Random random) {
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
    }
  }

  // As torch.nn.init computes them: dim 1 is fan-in, dim 0 fan-out, later dims the receptive field.
  private static long fanIn(Shape s) {
    return s.dimension() < 2 ? s.size() : s.get(1) * receptive(s);
  }

  private static long fanOut(Shape s) {
    return s.dimension() < 2 ? s.size() : s.get(0) * receptive(s);
  }

  private static long receptive(Shape s) {
    long r = 1;
    for (int i = 2; i < s.dimension(); i++) {
      r *= s.get(i);
    }
    return r;
  }
}
