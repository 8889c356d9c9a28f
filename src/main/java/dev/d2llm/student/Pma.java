package dev.d2llm.student;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.d2llm.nn.Attention;
import dev.d2llm.nn.LayerNorm;
import dev.d2llm.nn.Linear;
import dev.d2llm.nn.NamedBlock;
import dev.d2llm.nn.ParameterInit;

/**
 * Pooling by multi-head attention (PMA) with one learned seed, as D2LLM defines it: the seed
 * attends over the real tokens, scores scaled by sqrt(d) (the full width, as the reference does), a
 * residual with the raw seed, LayerNorm, a ReLU feed-forward residual, LayerNorm.
 */
public final class Pma extends NamedBlock {

  private static final float LAYER_NORM_EPS = 1e-5f;

  private final int dim;
  private final int heads;
  private final Parameter seed;
  private final Linear q;
  private final Linear k;
  private final Linear v;
  private final Linear o;
  private final LayerNorm ln0;
  private final LayerNorm ln1;

  public Pma(int dim, int heads) {
    if (heads < 1 || dim % heads != 0) {
      throw new IllegalArgumentException(
          "PMA heads must divide the hidden size " + dim + ", found " + heads);
    }
    this.dim = dim;
    this.heads = heads;
    seed =
        parameter("S", Parameter.Type.WEIGHT, new Shape(1, 1, dim), ParameterInit.XAVIER_UNIFORM);
    q = child("fc_q", new Linear(dim, dim, true));
    k = child("fc_k", new Linear(dim, dim, true));
    v = child("fc_v", new Linear(dim, dim, true));
    o = child("fc_o", new Linear(dim, dim, true));
    ln0 = child("ln0", new LayerNorm(dim, LAYER_NORM_EPS));
    ln1 = child("ln1", new LayerNorm(dim, LAYER_NORM_EPS));
  }

  /** One vector [B,d] per text from token states [B,T,d]; padded tokens (mask 0) get no weight. */
  public NDArray pool(ParameterStore ps, NDArray hidden, NDArray mask, boolean training) {
    long b = hidden.getShape().get(0);
    long t = hidden.getShape().get(1);
    long headDim = dim / heads;
    NDArray s = value(ps, seed, hidden, training); // [1,1,d]
    NDArray qs =
        q.apply(ps, s, training).reshape(1, 1, heads, headDim).transpose(0, 2, 1, 3); // [1,h,1,dh]
    NDArray ks = k.apply(ps, hidden, training).reshape(b, t, heads, headDim).transpose(0, 2, 1, 3);
    NDArray vs = v.apply(ps, hidden, training).reshape(b, t, heads, headDim).transpose(0, 2, 1, 3);
    NDArray additive = Attention.paddingMask(mask, hidden.getDataType()); // [B,1,1,T]
    NDArray attended =
        Attention.scaledDotProduct(qs, ks, vs, additive, (float) (1.0 / Math.sqrt(dim)));
    NDArray out =
        attended.transpose(0, 2, 1, 3).reshape(b, 1, dim).add(s); // residual with the raw seed
    out = ln0.apply(ps, out, training);
    out = out.add(Activation.relu(o.apply(ps, out, training)));
    return ln1.apply(ps, out, training).reshape(b, dim);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(pool(ps, inputs.get(0), inputs.get(1), training));
  }

  public int dim() {
    return dim;
  }

  public int heads() {
    return heads;
  }
}
