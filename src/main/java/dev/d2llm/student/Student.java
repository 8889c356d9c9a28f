package dev.d2llm.student;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.d2llm.backbone.BackboneModel;
import dev.d2llm.backbone.Precision;
import dev.d2llm.embedding.BatchedEncoding;
import dev.d2llm.embedding.EncoderSettings;
import dev.d2llm.embedding.LengthBatcher;
import dev.d2llm.embedding.Pooling;
import dev.d2llm.embedding.TextEncoder;
import dev.d2llm.embedding.TextRole;
import dev.d2llm.lora.Lora;
import dev.d2llm.nn.Linear;
import dev.d2llm.nn.RowKernels;
import dev.d2llm.text.PaddingSide;
import dev.d2llm.text.TextTokenizer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The D2LLM bi-encoder plus IEM: a backbone (with LoRA adapters while training) reads each text
 * alone, PMA pools its token states into one vector, and the IEM scores a query vector against a
 * passage vector on the task's branch. A {@linkplain IemKind#RESIDUAL residual} student pools with
 * the backbone's native pooling plus gated PMA ({@link PmaGate}), reads texts with the backbone's
 * per-role prefixes, and scores with the residual IEM: untrained, it is its backbone's bi-encoder.
 */
public final class Student implements TextEncoder {

  /** The method's token limit for student inputs. */
  public static final int MAX_LENGTH = 250;

  private final StudentConfig config;
  private final BackboneModel backbone;
  private final TextTokenizer tokenizer;
  private final Pma pma;
  private final InteractionEmulation iem;

  /** Residual students only, else null. */
  private final PmaGate gate;

  private final LengthBatcher batcher = LengthBatcher.DEFAULT;
  private volatile boolean frozenForServing;

  Student(
      StudentConfig config,
      BackboneModel backbone,
      TextTokenizer tokenizer,
      Pma pma,
      InteractionEmulation iem,
      PmaGate gate) {
    if ((config.iem() == IemKind.RESIDUAL) != (gate != null) || iem.kind() != config.iem()) {
      throw new IllegalArgumentException(
          "a "
              + config.iem().label()
              + " student got a "
              + iem.kind().label()
              + " IEM and "
              + (gate == null ? "no" : "a")
              + " PMA gate");
    }
    this.config = config;
    this.backbone = backbone;
    this.tokenizer = tokenizer;
    this.pma = pma;
    this.iem = iem;
    this.gate = gate;
  }

  /**
   * A fresh student on the base model at {@code baseDir}: adapters attached, LoRA, PMA and IEM
   * initialised from {@code seed} (LoRA's B at zero, so the backbone starts as the base model).
   */
  public static Student create(Path baseDir, StudentConfig config, Device device, long seed) {
    BackboneModel model = BackboneModel.load(baseDir, device, Precision.FP32);
    try {
      if (config.lora() != null) {
        Lora.attach(model.backbone(), config.lora());
      }
      int d = model.config().hiddenSize();
      Pma pma = new Pma(d, config.pmaHeads());
      InteractionEmulation iem = new InteractionEmulation(d, config.iemHidden(), config.iem());
      PmaGate gate = config.iem() == IemKind.RESIDUAL ? new PmaGate(d) : null;
      model.backbone().initializeMissing(model.manager(), seed);
      pma.initializeMissing(model.manager(), seed + 1);
      iem.initializeMissing(model.manager(), seed + 2);
      if (gate != null) {
        gate.initializeMissing(model.manager(), seed + 3);
      }
      return new Student(config, model, openTokenizer(baseDir, model), pma, iem, gate);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  static TextTokenizer openTokenizer(Path baseDir, BackboneModel model) {
    return TextTokenizer.open(baseDir, Math.min(MAX_LENGTH, model.config().maxPositions()), true);
  }

  /**
   * Readies a student that will not be trained again for answering single queries: every projection
   * with float32 weights on the CPU computes inputs of few rows with the Vector API {@link
   * RowKernel} (when the JVM has it) instead of PyTorch's GEMM, which cuts one query's encoding by
   * a third to a half (docs/search.md). Returns the projections frozen.
   */
  public int freezeForServing() {
    int frozen =
        RowKernels.best()
            .map(
                k ->
                    Linear.freezeAll(backbone.backbone(), k)
                        + Linear.freezeAll(pma, k)
                        + Linear.freezeAll(iem, k))
            .orElse(0);
    frozenForServing = frozen > 0;
    return frozen;
  }

  /**
   * Whether {@link #freezeForServing} took effect: search then scores candidates with the host IEM
   * too.
   */
  public boolean frozenForServing() {
    return frozenForServing;
  }

  /** The student's vectors [B,d] for token ids and mask [B,T]. */
  public NDArray encode(ParameterStore ps, NDArray ids, NDArray mask, boolean training) {
    if (gate != null && ps == null && !training && gate.shut()) {
      // gate ⊙ PMA(H) adds nothing: the native pooling alone, with only the work it needs.
      Pooling pooling = config.nativeEncoding().pooling();
      return Pooling.normalize(pooling.encode(backbone.backbone(), null, ids, mask, false));
    }
    NDArray hidden = backbone.backbone().hiddenStates(ps, ids, mask, training);
    return pool(ps, hidden, mask, training);
  }

  /**
   * The student's vectors [B,d] from token states [B,T,d]: PMA, or for a residual student native
   * pooling plus gated PMA.
   */
  public NDArray pool(ParameterStore ps, NDArray hidden, NDArray mask, boolean training) {
    if (gate == null) {
      return pma.pool(ps, hidden, mask, training);
    }
    return gate.pool(ps, config.nativeEncoding().pooling(), pma, hidden, mask, training);
  }

  /**
   * The text the backbone reads for a text in {@code role}: as it is for the paper's student (the
   * method reads raw texts), with the base model's prefix for a residual one (so that its cosine is
   * the base model's own, query instruction included).
   */
  public String inputText(String text, TextRole role) {
    EncoderSettings encoding = config.nativeEncoding();
    return encoding == null ? text : encoding.prefixed(text, role);
  }

  /** IEM logits and branch features for query and passage vectors of matching leading shapes. */
  public InteractionEmulation.Output score(
      ParameterStore ps, NDArray queries, NDArray passages, Branch branch, boolean training) {
    return iem.score(ps, queries, passages, branch, training);
  }

  /** The student's vectors of texts in {@code role} (see {@link #inputText} for the prefixes). */
  @Override
  public float[][] embed(List<String> texts, TextRole role, IntConsumer progress) {
    List<String> inputs = texts.stream().map(t -> inputText(t, role)).toList();
    return BatchedEncoding.run(
        tokenizer.encodeAll(inputs),
        batcher,
        tokenizer.padId(),
        PaddingSide.RIGHT,
        backbone.manager(),
        (scope, b) -> encode(null, b.idsArray(scope), b.maskArray(scope), false),
        progress);
  }

  /** IEM relevance probabilities, sigmoid(z), of one query against each passage. */
  public float[] relevance(String query, List<String> passages, Branch branch) {
    TextRole left = branch == Branch.ASYMMETRIC ? TextRole.QUERY : TextRole.PLAIN;
    TextRole right = branch == Branch.ASYMMETRIC ? TextRole.PASSAGE : TextRole.PLAIN;
    float[] q = embed(List.of(query), left)[0];
    float[][] p = embed(passages, right);
    try (NDManager scope = backbone.manager().newSubManager()) {
      NDArray qs = scope.create(q).expandDims(0).repeat(0, passages.size());
      NDArray ps = scope.create(p);
      return ai.djl.nn.Activation.sigmoid(iem.score(null, qs, ps, branch, false).logits())
          .toFloatArray();
    }
  }

  /**
   * Every parameter training changes: LoRA's, then PMA's ({@code pma.}), the IEM's ({@code iem.})
   * and a residual student's gate ({@code pooling.}).
   */
  public Map<String, Parameter> trainableParameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    backbone
        .backbone()
        .namedParameters()
        .forEach(
            (n, p) -> {
              if (isAdapterParameter(n)) {
                out.put(n, p);
              }
            });
    pma.namedParameters().forEach((n, p) -> out.put("pma." + n, p));
    iem.namedParameters().forEach((n, p) -> out.put("iem." + n, p));
    if (gate != null) {
      gate.namedParameters().forEach((n, p) -> out.put("pooling." + n, p));
    }
    return out;
  }

  /**
   * The parameters of the bi-encoder half alone: LoRA, PMA, the gate and the residual IEM's cosine
   * scale and shift, without the IEM's MLP. Training these on gold labels (the residual MLP staying
   * at zero) is the fine-tuned bi-encoder baseline D2LLM is measured against.
   */
  public Map<String, Parameter> biEncoderParameters() {
    if (config.iem() != IemKind.RESIDUAL) {
      throw new IllegalStateException(
          "only a residual student holds a bi-encoder: its IEM without the MLP is a scaled cosine");
    }
    Map<String, Parameter> out = new LinkedHashMap<>(trainableParameters());
    out.keySet().removeIf(n -> n.startsWith("iem.") && !n.startsWith("iem.cos_"));
    return out;
  }

  /**
   * Whether a trainable parameter (named as {@link #trainableParameters} names them) belongs to the
   * backbone's adapters.
   */
  public static boolean isAdapterParameter(String name) {
    return name.contains("lora_");
  }

  @Override
  public int dimension() {
    return pma.dim();
  }

  public StudentConfig config() {
    return config;
  }

  public BackboneModel backbone() {
    return backbone;
  }

  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  public Pma pma() {
    return pma;
  }

  public InteractionEmulation iem() {
    return iem;
  }

  /** The residual student's PMA gate, empty for the paper's student. */
  public java.util.Optional<PmaGate> gate() {
    return java.util.Optional.ofNullable(gate);
  }

  /** The manager owning every weight; run passes under its sub-managers. */
  public NDManager manager() {
    return backbone.manager();
  }

  @Override
  public void close() {
    tokenizer.close();
    backbone.close();
  }
}
