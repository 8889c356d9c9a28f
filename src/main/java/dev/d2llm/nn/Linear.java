package dev.d2llm.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * {@code y = x Wᵀ + b} with {@code W} stored [out, in] as in PyTorch checkpoints. A projection
 * {@linkplain #freeze frozen} for serving computes inputs of few rows (one query) with a {@link
 * RowKernel} on a host copy of its weights instead of PyTorch's GEMM.
 */
public class Linear extends NamedBlock {

  /**
   * Inputs of at most this many rows go to the row kernel once frozen. Reading the weights
   * dominates there, and PyTorch's GEMM reads them at about a third of memory bandwidth
   * (docs/search.md, "Query encoding").
   */
  public static final int FEW_ROWS = 32;

  private final Parameter weight;
  private final Parameter bias;
  private final long inFeatures;
  private final long outFeatures;
  private NamedBlock adapter;
  private Frozen frozen;

  /** The host copy of the weights a frozen projection computes few rows with. */
  private record Frozen(float[] weight, float[] bias, RowKernel kernel) {}

  public Linear(long inFeatures, long outFeatures, boolean withBias) {
    this(inFeatures, outFeatures, withBias, ParameterInit.XAVIER_UNIFORM);
  }

  /**
   * A projection whose weight starts as {@code weightInit} when trained from scratch (bias at
   * zero).
   */
  public Linear(long inFeatures, long outFeatures, boolean withBias, ParameterInit weightInit) {
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight =
        parameter("weight", Parameter.Type.WEIGHT, new Shape(outFeatures, inFeatures), weightInit);
    this.bias = withBias ? parameter("bias", Parameter.Type.BIAS, new Shape(outFeatures)) : null;
  }

  @Override
  public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
    Frozen f = frozen;
    Shape s = x.getShape();
    if (f != null
        && !training
        && x.getDataType() == DataType.FLOAT32
        && s.dimension() > 0
        && s.get(s.dimension() - 1) == inFeatures
        && s.size() <= FEW_ROWS * inFeatures) {
      return fewRows(f, x);
    }
    NDArray w = value(ps, weight, x, training);
    NDArray b = bias == null ? null : value(ps, bias, x, training);
    NDArray y = x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
    return adapter == null ? y : y.add(adapter.apply(ps, x, training));
  }

  /**
   * Snapshots the weights into host arrays so that inputs of at most {@link #FEW_ROWS} rows are
   * computed by {@code kernel}. Only for a model that is no longer trained: a later change to the
   * weights would not reach the snapshot. Returns false, changing nothing, when the weights are not
   * float32 on the CPU or an adapter is still attached.
   */
  public boolean freeze(RowKernel kernel) {
    NDArray w = weight.getArray();
    NDArray b = bias == null ? null : bias.getArray();
    if (adapter != null || !hostFloat32(w) || b != null && !hostFloat32(b)) {
      return false;
    }
    frozen = new Frozen(w.toFloatArray(), b == null ? null : b.toFloatArray(), kernel);
    return true;
  }

  private static boolean hostFloat32(NDArray a) {
    return a.getDataType() == DataType.FLOAT32
        && Device.Type.CPU.equals(a.getDevice().getDeviceType());
  }

  /**
   * Freezes every projection in {@code root}'s tree (see {@link #freeze}); returns how many took
   * it.
   */
  public static int freezeAll(NamedBlock root, RowKernel kernel) {
    int n = 0;
    for (NamedBlock b : root.namedBlocks().values()) {
      if (b instanceof Linear l && l.freeze(kernel)) {
        n++;
      }
    }
    return n;
  }

  /** Whether {@link #freeze} took effect. */
  public boolean frozen() {
    return frozen != null;
  }

  private NDArray fewRows(Frozen f, NDArray x) {
    Shape s = x.getShape();
    int rows = (int) (s.size() / inFeatures);
    float[] y = new float[rows * (int) outFeatures];
    f.kernel()
        .linear(
            x.toFloatArray(), rows, f.weight(), f.bias(), (int) inFeatures, (int) outFeatures, y);
    return x.getManager().create(y, s.slice(0, s.dimension() - 1).add(outFeatures));
  }

  /**
   * Adds {@code update}'s output to this projection's (a LoRA adapter); its parameters join this
   * block's names, as PEFT saves them ({@code q_proj.lora_A.weight}).
   */
  public void attachAdapter(NamedBlock update) {
    if (adapter != null) {
      throw new IllegalStateException("an adapter is already attached");
    }
    if (frozen != null) {
      throw new IllegalStateException("a projection frozen for serving takes no adapter");
    }
    adapter = child("", update);
  }

  /** The attached adapter, or null. */
  public NamedBlock adapter() {
    return adapter;
  }

  /** Adds {@code delta} [out, in] to the weight in place and drops the adapter it came from. */
  public void mergeAdapter(NDArray delta) {
    if (adapter == null) {
      throw new IllegalStateException("no adapter to merge");
    }

    weight.getArray().addi(delta.toType(weight.getArray().getDataType(), false));
    removeChild("");
    adapter = null;
  }

  /** The weight [out, in] as loaded or trained. */
  public NDArray weightArray() {
    return weight.getArray();
  }

  /** The bias [out], or null when the projection has none. */
  public NDArray biasArray() {
    return bias == null ? null : bias.getArray();
  }

  /** Input features. */
  public long inFeatures() {
    return inFeatures;
  }

  /** Output features. */
  public long outFeatures() {
    return outFeatures;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] in) {
    Shape s = in[0];
    return new Shape[] {s.slice(0, s.dimension() - 1).add(outFeatures)};
  }
}
