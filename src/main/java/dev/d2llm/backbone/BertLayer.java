package dev.d2llm.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import dev.d2llm.nn.Attention;
import dev.d2llm.nn.LayerNorm;
import dev.d2llm.nn.Linear;
import dev.d2llm.nn.NamedBlock;

/** One post-LN BERT layer: self-attention, add and norm, GELU feed-forward, add and norm. */
final class BertLayer extends NamedBlock {

  private final Linear query;
  private final Linear key;
  private final Linear value;
  private final Linear attentionOut;
  private final LayerNorm attentionNorm;
  private final Linear intermediate;
  private final Linear output;
  private final LayerNorm outputNorm;
  private final int heads;
  private final int headDim;
  private final float dropout;

  BertLayer(BertConfig c) {
    int d = c.hiddenSize();
    heads = c.numHeads();
    headDim = c.headDim();
    dropout = (float) c.dropout();
    query = child("attention.self.query", new Linear(d, d, true));
    key = child("attention.self.key", new Linear(d, d, true));
    value = child("attention.self.value", new Linear(d, d, true));
    attentionOut = child("attention.output.dense", new Linear(d, d, true));
    attentionNorm = child("attention.output.LayerNorm", new LayerNorm(d, c.layerNormEps()));
    intermediate = child("intermediate.dense", new Linear(d, c.intermediateSize(), true));
    output = child("output.dense", new Linear(c.intermediateSize(), d, true));
    outputNorm = child("output.LayerNorm", new LayerNorm(d, c.layerNormEps()));
  }

  /**
   * The layer's output [B,T,d] for input x [B,T,d]; with {@code firstTokenOnly}, [B,1,d]: the first
   * token's output alone (its attention still reads every token's keys and values). {@code
   * keyLengths}: each row's real tokens when the mask is right padding, else null.
   */
  NDArray apply(
      ParameterStore ps,
      NDArray x,
      NDArray additiveMask,
      int[] keyLengths,
      boolean training,
      boolean firstTokenOnly) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    NDArray rows = firstTokenOnly ? x.get(":, 0:1, :") : x;
    long tq = rows.getShape().get(1);
    NDArray q = split(query.apply(ps, rows, training), b, tq);
    NDArray k = split(key.apply(ps, x, training), b, t);
    NDArray v = split(value.apply(ps, x, training), b, t);
    NDArray ctx =
        Attention.scaledDotProduct(
            q, k, v, additiveMask, (float) (1.0 / Math.sqrt(headDim)), keyLengths);
    ctx = ctx.transpose(0, 2, 1, 3).reshape(b, tq, (long) heads * headDim);
    NDArray attended =
        attentionNorm.apply(
            ps,
            dropout(attentionOut.apply(ps, ctx, training), dropout, training).add(rows),
            training);
    NDArray ff = intermediate.apply(ps, attended, training).getNDArrayInternal().gelu();
    return outputNorm.apply(
        ps, dropout(output.apply(ps, ff, training), dropout, training).add(attended), training);
  }

  private NDArray split(NDArray x, long b, long t) {
    return x.reshape(b, t, heads, headDim).transpose(0, 2, 1, 3);
  }

  static NDArray dropout(NDArray x, float rate, boolean training) {
    return training && rate > 0 ? Dropout.dropout(x, rate, true).singletonOrThrow() : x;
  }
}
