package dev.d2llm.embedding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.d2llm.backbone.Backbone;
import dev.d2llm.backbone.DecoderBackbone;
import dev.d2llm.nn.Scalars;

/**
 * How token states [B,T,d] become one vector per text, as sentence-transformers names the modes.
 */
public enum Pooling {
  /** The first token's state ({@code [CLS]}): BGE. */
  CLS {
    @Override
    public NDArray pool(NDArray hidden, NDArray mask) {
      return hidden.get(":, 0, :");
    }

    @Override
    public NDArray encode(
        Backbone backbone, ParameterStore ps, NDArray ids, NDArray mask, boolean training) {
      return pool(backbone.firstTokenStates(ps, ids, mask, training), mask);
    }
  },
  /** The mean over real tokens: MiniLM, E5. */
  MEAN {
    @Override
    public NDArray pool(NDArray hidden, NDArray mask) {
      NDArray m = mask.toType(hidden.getDataType(), false).expandDims(-1);
      NDArray sum = hidden.mul(m).sum(new int[] {1});
      return sum.div(Scalars.maximum(m.sum(new int[] {1}), 1e-9f));
    }
  },
  /** The last real token's state, whichever side the padding is on: decoder LLM embedders. */
  LAST_TOKEN {
    @Override
    public NDArray pool(NDArray hidden, NDArray mask) {
      return DecoderBackbone.lastTokenStates(hidden, mask);
    }
  };

  /** One vector [B,d] per row of token states [B,T,d] under mask [B,T]. */
  public abstract NDArray pool(NDArray hidden, NDArray mask);

  /**
   * The pooled vectors [B,d] of token ids and mask [B,T] through {@code backbone}: {@link #pool} of
   * its final states, computed with only the work this pooling needs ({@code [CLS]} asks the last
   * layer for one token, {@link Backbone#firstTokenStates}).
   */
  public NDArray encode(
      Backbone backbone, ParameterStore ps, NDArray ids, NDArray mask, boolean training) {
    return pool(backbone.hiddenStates(ps, ids, mask, training), mask);
  }

  /** Divides each row by its L2 norm. */
  public static NDArray normalize(NDArray x) {
    NDArray x32 = x.toType(DataType.FLOAT32, false);
    return x32.div(Scalars.maximum(x32.norm(new int[] {-1}, true), 1e-12f));
  }
}
