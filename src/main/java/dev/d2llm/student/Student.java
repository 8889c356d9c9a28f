package dev.d2llm.student;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.d2llm.backbone.BackboneModel;
import dev.d2llm.backbone.Precision;
import dev.d2llm.embedding.BatchedEncoding;
import dev.d2llm.embedding.LengthBatcher;
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
 * passage vector on the task's branch.
 */
public final class Student implements TextEncoder {

  /** The method's token limit for student inputs. */
  public static final int MAX_LENGTH = 250;

  private final StudentConfig config;
  private final BackboneModel backbone;
  private final TextTokenizer tokenizer;
  private final Pma pma;
  private final InteractionEmulation iem;
  private final LengthBatcher batcher = LengthBatcher.DEFAULT;
  private volatile boolean frozenForServing;

  Student(StudentConfig config, BackboneModel backbone, TextTokenizer tokenizer, Pma pma, InteractionEmulation iem) {
    this.config = config;
    this.backbone = backbone;
    this.tokenizer = tokenizer;
    this.pma = pma;
    this.iem = iem;
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
      InteractionEmulation iem = new InteractionEmulation(d, config.iemHidden());
      model.backbone().initializeMissing(model.manager(), seed);
      pma.initializeMissing(model.manager(), seed + 1);
      iem.initializeMissing(model.manager(), seed + 2);
      return new Student(config, model, openTokenizer(baseDir, model), pma, iem);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  static TextTokenizer openTokenizer(Path baseDir, BackboneModel model) {
    return TextTokenizer.open(baseDir, Math.min(MAX_LENGTH, model.config().maxPositions()), true);
  }

  /**
   * Readies a student that will not be trained again for answering single queries: every
   * projection with float32 weights on the CPU computes inputs of few rows with the Vector API
   * {@link RowKernel} (when the JVM has it) instead of PyTorch's GEMM, which cuts one query's
   * encoding by a third to a half (docs/search.md). Returns the projections frozen.
   */
  public int freezeForServing() {
    int frozen = RowKernels.best().map(k -> Linear.freezeAll(backbone.backbone(), k) + Linear.freezeAll(pma, k)
        + Linear.freezeAll(iem, k)).orElse(0);
    frozenForServing = frozen > 0;
    return frozen;
  }

  /** Whether {@link #freezeForServing} took effect: search then scores candidates with the host IEM too. */
  public boolean frozenForServing() {
    return frozenForServing;
  }

  /** PMA vectors [B,d] for token ids and mask [B,T]. */
  public NDArray encode(ParameterStore ps, NDArray ids, NDArray mask, boolean training) {
    NDArray hidden = backbone.backbone().hiddenStates(ps, ids, mask, training);
    return pma.pool(ps, hidden, mask, training);
  }

  /** IEM logits and branch features for query and passage vectors of matching leading shapes. */
  public InteractionEmulation.Output score(
      ParameterStore ps, NDArray queries, NDArray passages, Branch branch, boolean training) {
    return iem.score(ps, queries, passages, branch, training);
  }

  /** PMA vectors of texts, read raw (the student takes no prefixes, whatever the role). */
  @Override
  public float[][] embed(List<String> texts, TextRole role, IntConsumer progress) {
    return BatchedEncoding.run(tokenizer.encodeAll(texts), batcher, tokenizer.padId(), PaddingSide.RIGHT,
        backbone.manager(), (scope, b) -> encode(null, b.idsArray(scope), b.maskArray(scope), false), progress);
  }

  /** IEM relevance probabilities, sigmoid(z), of one query against each passage. */
  public float[] relevance(String query, List<String> passages, Branch branch) {
    float[] q = embed(List.of(query), TextRole.QUERY)[0];
    float[][] p = embed(passages, TextRole.PASSAGE);
    try (NDManager scope = backbone.manager().newSubManager()) {
      NDArray qs = scope.create(q).expandDims(0).repeat(0, passages.size());
      NDArray ps = scope.create(p);
      return ai.djl.nn.Activation.sigmoid(iem.score(null, qs, ps, branch, false).logits()).toFloatArray();
    }
  }

  /** Every parameter training changes: LoRA's, then PMA's ({@code pma.}) and the IEM's ({@code iem.}). */
  public Map<String, Parameter> trainableParameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    backbone.backbone().namedParameters().forEach((n, p) -> {
      if (n.contains("lora_")) {
        out.put(n, p);
      }
    });
    pma.namedParameters().forEach((n, p) -> out.put("pma." + n, p));
    iem.namedParameters().forEach((n, p) -> out.put("iem." + n, p));
    return out;
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
