package dev.d2llm.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import dev.d2llm.nn.Attention;
import dev.d2llm.nn.Linear;
import dev.d2llm.nn.NamedBlock;
import dev.d2llm.nn.RmsNorm;
import dev.d2llm.nn.RotaryEmbedding;

/** One pre-norm decoder layer: grouped-query self-attention with RoPE, then a SwiGLU MLP. */
final class DecoderLayer extends NamedBlock {

  private final DecoderConfig c;
  private final RmsNorm inputNorm;
  private final Linear q;
  private final Linear k;
  private final Linear v;
  private final Linear o;
  private final RmsNorm qNorm;
  private final RmsNorm kNorm;
  private final RmsNorm postAttentionNorm;
  private final Linear gate;
  private final Linear up;
  private final Linear down;

  DecoderLayer(DecoderConfig c) {
    this.c = c;
    int d = c.hiddenSize();
    int qWidth = c.numHeads() * c.headDim();
    int kvWidth = c.numKvHeads() * c.headDim();
    boolean qkvBias = c.family().qkvBias() || c.attentionBias();
    inputNorm = child("input_layernorm", new RmsNorm(d, c.rmsNormEps()));
    q = child("self_attn.q_proj", new Linear(d, qWidth, qkvBias));
    k = child("self_attn.k_proj", new Linear(d, kvWidth, qkvBias));
    v = child("self_attn.v_proj", new Linear(d, kvWidth, qkvBias));
    o =
        child(
            "self_attn.o_proj", new Linear(qWidth, d, c.attentionBias() && !c.family().qkvBias()));
    qNorm =
        c.family().qkNorm()
            ? child("self_attn.q_norm", new RmsNorm(c.headDim(), c.rmsNormEps()))
            : null;
    kNorm =
        c.family().qkNorm()
            ? child("self_attn.k_norm", new RmsNorm(c.headDim(), c.rmsNormEps()))
            : null;
    postAttentionNorm = child("post_attention_layernorm", new RmsNorm(d, c.rmsNormEps()));
    gate = child("mlp.gate_proj", new Linear(d, c.intermediateSize(), false));
    up = child("mlp.up_proj", new Linear(d, c.intermediateSize(), false));
    down = child("mlp.down_proj", new Linear(c.intermediateSize(), d, false));
  }

  NDArray apply(ParameterStore ps, NDArray x, NDArray additiveMask, NDList rope, boolean training) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    NDArray h = inputNorm.apply(ps, x, training);
    NDArray qs = heads(q.apply(ps, h, training), b, t, c.numHeads(), qNorm, ps, training);
    NDArray ks = heads(k.apply(ps, h, training), b, t, c.numKvHeads(), kNorm, ps, training);
    NDArray vs = heads(v.apply(ps, h, training), b, t, c.numKvHeads(), null, ps, training);
    qs = RotaryEmbedding.apply(qs, rope);
    ks = RotaryEmbedding.apply(ks, rope);
    if (c.groupSize() > 1) {
      // Query head i reads key/value head i / groupSize, as the reference's repeat_kv does.
      ks = ks.repeat(1, c.groupSize());
      vs = vs.repeat(1, c.groupSize());
    }
    NDArray ctx =
        Attention.scaledDotProduct(
            qs, ks, vs, additiveMask, (float) (1.0 / Math.sqrt(c.headDim())));
    ctx = ctx.transpose(0, 2, 1, 3).reshape(b, t, (long) c.numHeads() * c.headDim());
    NDArray afterAttention = o.apply(ps, ctx, training).add(x);
    NDArray m = postAttentionNorm.apply(ps, afterAttention, training);
    NDArray g = gate.apply(ps, m, training);
    NDArray swish = g.mul(Activation.sigmoid(g));
    return down.apply(ps, swish.mul(up.apply(ps, m, training)), training).add(afterAttention);
  }

  private NDArray heads(
      NDArray x, long b, long t, int count, RmsNorm norm, ParameterStore ps, boolean training) {
    NDArray split = x.reshape(b, t, count, c.headDim());
    if (norm != null) {
      split = norm.apply(ps, split, training);
    }
    return split.transpose(0, 2, 1, 3);
  }
}
