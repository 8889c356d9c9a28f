package dev.d2llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.d2llm.nn.Scalars;
import java.util.Collection;

/**
 * Scales all gradients together so that their global L2 norm is at most a bound (PyTorch's
 * clip_grad_norm_).
 */
public final class GradientClipping {

  private GradientClipping() {}

  /** Clips in place and returns the norm before clipping. */
  public static double clipGlobalNorm(Collection<Parameter> parameters, double maxNorm) {
    if (parameters.isEmpty()) {
      return 0;
    }
    // Temporaries belong to the gradient's manager, so each gradient view lives in this scope.
    try (NDManager scope = parameters.iterator().next().getArray().getManager().newSubManager()) {
      double sumSquares = 0;
      for (Parameter p : parameters) {
        NDArray g = p.getArray().getGradient();
        g.attach(scope);
        sumSquares += g.square().sum().getFloat();
      }
      double norm = Math.sqrt(sumSquares);
      if (norm > maxNorm) {
        float scale = (float) (maxNorm / (norm + 1e-6));
        for (Parameter p : parameters) {
          NDArray g = p.getArray().getGradient();
          g.attach(scope);
          Scalars.muli(g, scale);
        }
      }
      return norm;
    }
  }
}
