package dev.d2llm.student;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.d2llm.nn.Linear;
import dev.d2llm.nn.NamedBlock;
import dev.d2llm.nn.ParameterInit;
import dev.d2llm.nn.RowKernel;
import dev.d2llm.nn.Scalars;

/**
 * The Interaction Emulation Module: {@code h = ReLU(W1 [e_q; e_p] + b1)}, then the task's branch
 * {@code g = ReLU(W_branch h + b_branch)}, then one shared {@code z = w2 · g + b2}: the logit the
 * cross-encoder would have given the pair. The {@linkplain IemKind#RESIDUAL residual} kind adds
 * {@code a_branch cos(e_q, e_p) + c_branch} to that logit, with {@code a = 20 exp(log_scale)},
 * {@code c = 20 shift} and {@code w2} per branch starting at zero: untrained, a branch ranks by the
 * cosine alone.
 */
public final class InteractionEmulation extends NamedBlock {

  /** The method's hidden width. */
  public static final int DEFAULT_HIDDEN = 512;

  /**
   * The residual cosine's fixed factor, times the learned {@code exp(log_scale)}: the scale that
   * sentence-transformers' in-batch ranking loss uses, so the method's temperature-1 softmaxes see
   * cosine differences at a useful size from the first step.
   */
  public static final float COSINE_SCALE = 20f;

  private final int dim;
  private final int hidden;
  private final Linear first;
  private final Linear symmetric;
  private final Linear asymmetric;

  /**
   * The last layer: one shared by both branches (the paper's), or per branch (symmetric,
   * asymmetric) when residual.
   */
  private final Linear last;

  private final Linear lastAsymmetric;
  private final IemKind kind;

  /**
   * Residual only: per branch (symmetric, asymmetric), the log of the cosine's scale over
   * COSINE_SCALE.
   */
  private final Parameter logScale;

  /** Residual only: per branch, the logit's shift over COSINE_SCALE. */
  private final Parameter shift;

  /**
   * Residual only: per branch (symmetric, asymmetric), where its MLP's correction applies; null:
   * everywhere.
   */
  private final DomainGate[] gates = new DomainGate[2];

  /** The paper's IEM. */
  public InteractionEmulation(int dim, int hidden) {
    this(dim, hidden, IemKind.PAPER);
  }

  public InteractionEmulation(int dim, int hidden, IemKind kind) {
    this.dim = dim;
    this.hidden = hidden;
    this.kind = kind;
    first = child("fc1", new Linear(2L * dim, hidden, true));
    symmetric = child("fc_sym", new Linear(hidden, hidden, true));
    asymmetric = child("fc_asym", new Linear(hidden, hidden, true));
    boolean residual = kind == IemKind.RESIDUAL;
    // A residual branch's MLP starts at zero and must stay there until its own data moves it: the
    // last layer is the branch's own, so training one branch leaves the other at its cosine.
    last =
        child(
            residual ? "fc2_sym" : "fc2",
            new Linear(
                hidden, 1, true, residual ? ParameterInit.ZEROS : ParameterInit.XAVIER_UNIFORM));
    lastAsymmetric =
        residual ? child("fc2_asym", new Linear(hidden, 1, true, ParameterInit.ZEROS)) : last;
    logScale =
        residual
            ? parameter("cos_log_scale", Parameter.Type.BIAS, new Shape(2), ParameterInit.ZEROS)
            : null;
    shift =
        residual
            ? parameter("cos_shift", Parameter.Type.BIAS, new Shape(2), ParameterInit.ZEROS)
            : null;
  }

  /**
   * Logits [..] and branch features g [.., hidden] for query vectors [.., d] and passage vectors
   * [.., d].
   */
  public Output score(
      ParameterStore ps, NDArray query, NDArray passage, Branch branch, boolean training) {
    NDArray h = Activation.relu(first.apply(ps, query.concat(passage, -1), training));
    Output out = finish(ps, h, branch, training);
    if (kind != IemKind.RESIDUAL) {
      return out;
    }
    DomainGate gate = gates[branch.ordinal()];
    if (gate != null) {
      out =
          new Output(
              out.logits()
                  .mul(gate.weight(query, passage).toType(out.logits().getDataType(), false)),
              out.features());
    }
    return withCosine(ps, out, cosine(query, passage), branch, training);
  }

  /**
   * Limits a residual branch's correction to its training domain (null: applies everywhere); not a
   * parameter, so training leaves it as set. See {@link DomainGate}.
   */
  public void setGate(Branch branch, DomainGate gate) {
    if (kind != IemKind.RESIDUAL && gate != null) {
      throw new IllegalStateException("only a residual IEM has a correction to gate");
    }
    gates[branch.ordinal()] = gate;
  }

  /** The branch's domain gate, if it has one. */
  public java.util.Optional<DomainGate> gate(Branch branch) {
    return java.util.Optional.ofNullable(gates[branch.ordinal()]);
  }

  /**
   * Applies the branch's domain gate to logits computed without it, in place: {@code z[i]} becomes
   * {@code a cos + c + w (z - a cos - c)} for row {@code i}'s cosine and gate weight {@code w}. The
   * serving paths ({@link #scoreProjected}, {@link HostIem}) score ungated and call this after.
   */
  public void gateLogits(Branch branch, float[] z, float[] cosines, float[] weights, int n) {
    if (gates[branch.ordinal()] == null) {
      return;
    }
    int i = branch.ordinal();
    float a = (float) (COSINE_SCALE * Math.exp(logScale.getArray().toFloatArray()[i]));
    float c = COSINE_SCALE * shift.getArray().toFloatArray()[i];
    for (int r = 0; r < n; r++) {
      float base = a * cosines[r] + c;
      z[r] = base + weights[r] * (z[r] - base);
    }
  }

  /** Cosine similarity of matching rows [.., d] -> [..]. */
  public static NDArray cosine(NDArray a, NDArray b) {
    NDArray dot = a.mul(b).sum(new int[] {-1});
    NDArray norms = a.norm(new int[] {-1}).mul(b.norm(new int[] {-1}));
    return dot.div(Scalars.maximum(norms, 1e-12f));
  }

  /** The residual logit: the MLP's plus {@code a_branch cos + c_branch}. */
  private Output withCosine(
      ParameterStore ps, Output mlp, NDArray cosines, Branch branch, boolean training) {
    int i = branch.ordinal();
    NDArray a = Scalars.mul(value(ps, logScale, cosines, training).get(i).exp(), COSINE_SCALE);
    // The shift is stored over the same factor, so that AdamW's steps move it as fast as the scale.
    NDArray c = Scalars.mul(value(ps, shift, cosines, training).get(i), COSINE_SCALE);
    NDArray z =
        mlp.logits()
            .add(
                cosines
                    .toType(mlp.logits().getDataType(), false)
                    .mul(a.toType(mlp.logits().getDataType(), false)))
            .add(c.toType(mlp.logits().getDataType(), false));
    return new Output(z, mlp.features());
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

  /**
   * A host snapshot of the weights search needs, computed with {@code kernel}; later training does
   * not reach it.
   */
  public HostIem toHost(RowKernel kernel) {
    float[] w1 =
        host(first.weightArray()); // [hidden, 2 dim]: the query's share is the first dim columns
    float[] queryWeight = new float[hidden * dim];
    for (int o = 0; o < hidden; o++) {
      System.arraycopy(w1, o * 2 * dim, queryWeight, o * dim, dim);
    }
    HostIem.Residual residual = null;
    if (kind == IemKind.RESIDUAL) {
      float[] ls = host(logScale.getArray());
      float[] c = host(shift.getArray());
      residual =
          new HostIem.Residual(
              new float[] {
                (float) (COSINE_SCALE * Math.exp(ls[0])), (float) (COSINE_SCALE * Math.exp(ls[1]))
              },
              new float[] {COSINE_SCALE * c[0], COSINE_SCALE * c[1]});
    }
    return new HostIem(
        kernel,
        dim,
        hidden,
        queryWeight,
        host(symmetric.weightArray()),
        host(symmetric.biasArray()),
        host(asymmetric.weightArray()),
        host(asymmetric.biasArray()),
        new float[][] {host(last.weightArray()), host(lastAsymmetric.weightArray())},
        new float[] {host(last.biasArray())[0], host(lastAsymmetric.biasArray())[0]},
        residual);
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

  /**
   * A slice of a weight lives in the weight's manager; hand it to the caller's scope so it is freed
   * with it.
   */
  private static NDArray inScope(NDArray slice, NDArray like) {
    slice.attach(like.getManager());
    return slice;
  }

  /**
   * The same logits as {@link #score} from a projected query [.., hidden], projected passages [..,
   * hidden] and, for a residual IEM, the pairs' cosines [..] (null for the paper's).
   */
  public Output scoreProjected(
      NDArray projectedQuery, NDArray projectedPassages, NDArray cosines, Branch branch) {
    Output out =
        finish(null, Activation.relu(projectedQuery.add(projectedPassages)), branch, false);
    if (kind != IemKind.RESIDUAL) {
      return out;
    }
    if (cosines == null) {
      throw new IllegalArgumentException(
          "a residual IEM scores projected passages with their cosines to the query");
    }
    return withCosine(null, out, cosines, branch, false);
  }

  private Output finish(ParameterStore ps, NDArray h, Branch branch, boolean training) {
    Linear mid = branch == Branch.SYMMETRIC ? symmetric : asymmetric;
    NDArray g = Activation.relu(mid.apply(ps, h, training));
    NDArray z = (branch == Branch.SYMMETRIC ? last : lastAsymmetric).apply(ps, g, training);
    return new Output(z.squeeze(-1), g);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    Output out = score(ps, inputs.get(0), inputs.get(1), Branch.SYMMETRIC, training);
    return new NDList(out.logits(), out.features());
  }

  public int dim() {
    return dim;
  }

  public int hidden() {
    return hidden;
  }

  /**
   * Sets a residual IEM's cosine term on {@code branch} to {@code 20 (cos - midpoint)}: a pair
   * whose cosine is above the midpoint gets a positive logit. Call on an untrained IEM so that its
   * probabilities start calibrated (at shift 0 every pair of a backbone whose cosines sit near 1
   * would score about 1); the ranking does not change.
   */
  public void centreCosineAt(Branch branch, float midpoint) {
    if (kind != IemKind.RESIDUAL) {
      throw new IllegalStateException("only a residual IEM has a cosine term");
    }
    if (!(midpoint > -1 && midpoint < 1)) {
      throw new IllegalArgumentException("a cosine midpoint lies in (-1, 1), found " + midpoint);
    }
    float[] scales = logScale.getArray().toFloatArray();
    float[] shifts = shift.getArray().toFloatArray();
    scales[branch.ordinal()] = 0f;
    shifts[branch.ordinal()] = -midpoint;
    logScale.getArray().set(scales);
    shift.getArray().set(shifts);
  }

  public IemKind kind() {
    return kind;
  }

  /** The student's logits and the branch features feature imitation compares. */
  public record Output(NDArray logits, NDArray features) {}
}
