package dev.d2llm.student;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.d2llm.nn.Linear;
import dev.d2llm.nn.NamedBlock;
import dev.d2llm.nn.RowKernel;

/**
 * The Interaction Emulation Module: {@code h = ReLU(W1 [e_q; e_p] + b1)}, then the task's branch
 * {@code g = ReLU(W_branch h + b_branch)}, then one shared {@code z = w2 · g + b2}: the logit the
 * cross-encoder would have given the pair.
 */
public final class InteractionEmulation extends NamedBlock {

  /** The method's hidden width. */
  public static final int DEFAULT_HIDDEN = 512;

  private final int dim;
  private final int hidden;
  private final Linear first;
  private final Linear symmetric;
  private final Linear asymmetric;
  private final Linear last;

  public InteractionEmulation(int dim, int hidden) {
    this.dim = dim;
    this.hidden = hidden;
    first = child("fc1", new Linear(2L * dim, hidden, true));
    symmetric = child("fc_sym", new Linear(hidden, hidden, true));
    asymmetric = child("fc_asym", new Linear(hidden, hidden, true));
    last = child("fc2", new Linear(hidden, 1, true));
  }

  /** Logits [..] and branch features g [.., hidden] for query vectors [.., d] and passage vectors [.., d]. */
  public Output score(ParameterStore ps, NDArray query, NDArray passage, Branch branch, boolean training) {
    NDArray h = Activation.relu(first.apply(ps, query.concat(passage, -1), training));
    return finish(ps, h, branch, training);
  }

  /**
   * The passage's share of the first layer, {@code W1p e_p + b1} [.., hidden]: computed once per
   * passage, it turns corpus scoring into {@link #scoreProjected}.
   */
  public NDArray projectPassage(NDArray passage) {
    NDArray w = inScope(first.weightArray().get(new NDIndex(":, {}:", dim)), passage);
    return passage.getNDArrayInternal().linear(passage, w, first.biasArray()).singletonOrThrow();
  }

  /** The query's share of the first layer, {@code W1q e_q} [.., hidden]. */
  public NDArray projectQuery(NDArray query) {
    NDArray w = inScope(first.weightArray().get(new NDIndex(":, :{}", dim)), query);
    return query.getNDArrayInternal().linear(query, w, null).singletonOrThrow();
  }

  /** A host snapshot of the weights search needs, computed with {@code kernel}; later training does not reach it. */
  public HostIem toHost(RowKernel kernel) {
    float[] w1 = host(first.weightArray()); // [hidden, 2 dim]: the query's share is the first dim columns
    float[] queryWeight = new float[hidden * dim];
    for (int o = 0; o < hidden; o++) {
      System.arraycopy(w1, o * 2 * dim, queryWeight, o * dim, dim);
    }
    return new HostIem(kernel, dim, hidden, queryWeight, host(symmetric.weightArray()), host(symmetric.biasArray()),
        host(asymmetric.weightArray()), host(asymmetric.biasArray()), host(last.weightArray()), host(last.biasArray())[0]);
  }

  /** A weight's values as float32 on the host, whatever its precision and device. */
  private static float[] host(NDArray a) {
    if (a.getDataType() == DataType.FLOAT32) {
      return a.toFloatArray();
    }
    try (NDArray f = a.toType(DataType.FLOAT32, true)) {
      return f.toFloatArray();
    }
  }

  /** A slice of a weight lives in the weight's manager; hand it to the caller's scope so it is freed with it. */
  private static NDArray inScope(NDArray slice, NDArray like) {
    slice.attach(like.getManager());
    return slice;
  }

  /** The same logits as {@link #score} from a projected query [.., hidden] and projected passages [.., hidden]. */
  public Output scoreProjected(NDArray projectedQuery, NDArray projectedPassages, Branch branch) {
    return finish(null, Activation.relu(projectedQuery.add(projectedPassages)), branch, false);
  }

  private Output finish(ParameterStore ps, NDArray h, Branch branch, boolean training) {
    Linear mid = branch == Branch.SYMMETRIC ? symmetric : asymmetric;
    NDArray g = Activation.relu(mid.apply(ps, h, training));
    NDArray z = last.apply(ps, g, training);
    return new Output(z.squeeze(-1), g);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    Output out = score(ps, inputs.get(0), inputs.get(1), Branch.SYMMETRIC, training);
    return new NDList(out.logits(), out.features());
  }

  public int dim() {
    return dim;
  }

  public int hidden() {
    return hidden;
  }

  /** The student's logits and the branch features feature imitation compares. */
  public record Output(NDArray logits, NDArray features) {}
}
