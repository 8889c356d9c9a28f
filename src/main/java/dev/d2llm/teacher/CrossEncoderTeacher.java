package dev.d2llm.teacher;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.d2llm.backbone.BackboneModel;
import dev.d2llm.backbone.BertBackbone;
import dev.d2llm.backbone.Precision;
import dev.d2llm.backbone.WeightLoader;
import dev.d2llm.checkpoint.Checkpoints;
import dev.d2llm.checkpoint.HostTensor;
import dev.d2llm.checkpoint.SafetensorsWriter;
import dev.d2llm.checkpoint.TensorSource;
import dev.d2llm.embedding.LengthBatcher;
import dev.d2llm.student.Branch;
import dev.d2llm.text.TextTokenizer;
import dev.d2llm.text.TokenBatch;
import dev.d2llm.text.TokenPair;
import dev.d2llm.text.TypedTokenBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * A BERT-family cross-encoder ({@code [CLS] query [SEP] passage [SEP]}, pooler, one-logit head) as
 * teacher: score {@code sigmoid(z)}, feature the pooled [CLS] state. It is stored as Hugging Face
 * stores {@code BertForSequenceClassification}, so Hub cross-encoders load as they are and ours
 * load in transformers.
 */
public final class CrossEncoderTeacher implements Teacher {

  /** Token limit for a pair. */
  public static final int MAX_LENGTH = 256;

  private final BackboneModel model;
  private final BertBackbone bert;
  private final CrossEncoderHead head;
  private final TextTokenizer tokenizer;
  private final LengthBatcher batcher;

  private CrossEncoderTeacher(BackboneModel model, CrossEncoderHead head, TextTokenizer tokenizer) {
    if (!(model.backbone() instanceof BertBackbone b)) {
      throw new IllegalArgumentException(
          "a cross-encoder teacher needs a BERT-family model, found " + model.config().modelType());
    }
    this.model = model;
    this.bert = b;
    this.head = head;
    this.tokenizer = tokenizer;
    this.batcher = scoringBatches(model.manager().getDevice());
  }

  /**
   * Scoring batches: 4,096 tokens on a CPU; 32,768 on a GPU, where a small batch's time goes to
   * issuing operations rather than to the kernels (docs/gpu.md, "Where d2llm falls short").
   */
  static LengthBatcher scoringBatches(Device device) {
    return device.isGpu() ? new LengthBatcher(32_768, 256) : new LengthBatcher(4_096, 128);
  }

  /**
   * On a GPU, enough pairs for several full batches sorted by length together; else the default.
   */
  @Override
  public int pairsPerCall() {
    return model.manager().getDevice().isGpu() ? 4_096 : Teacher.super.pairsPerCall();
  }

  /**
   * Opens a model directory as cross-encoder: its head when the checkpoint has one (a trained
   * teacher or a Hub cross-encoder), else a fresh head initialised from {@code seed}.
   */
  public static CrossEncoderTeacher open(Path dir, Device device, long seed) {
    BackboneModel model = BackboneModel.load(dir, device, Precision.FP32);
    try {
      CrossEncoderHead head = new CrossEncoderHead(model.config().hiddenSize());
      try (TensorSource source = Checkpoints.open(dir)) {
        if (source.contains("classifier.weight")) {
          WeightLoader.loadMissing(head, source, model.manager(), dir.toString());
        }
      }
      head.initializeMissing(model.manager(), seed);
      int max = Math.min(MAX_LENGTH, model.config().maxPositions());
      return new CrossEncoderTeacher(model, head, TextTokenizer.open(dir, max, true));
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** Logits [B] and pooled features [B,d] of a pair batch; with {@code training}, dropout is on. */
  public NDArray[] forward(NDManager scope, TypedTokenBatch batch, boolean training) {
    NDArray mask = batch.tokens().maskArray(scope);
    // The head reads the [CLS] state alone: the last layer runs for that token only.
    NDArray hidden =
        bert.firstTokenStates(
            null, batch.tokens().idsArray(scope), mask, batch.typeIdsArray(scope), training);
    NDArray feature = head.feature(null, hidden, training);
    return new NDArray[] {head.logits(null, feature, training), feature};
  }

  /** The pair encodings of {@code pairs}. */
  public List<TokenPair> encode(List<TextPair> pairs) {
    return pairs.stream().map(p -> tokenizer.encodePair(p.query(), p.passage())).toList();
  }

  /** Pads encoded pairs into one batch. */
  public TypedTokenBatch batch(List<TokenPair> pairs) {
    return TokenBatch.padPairs(pairs, tokenizer.padId());
  }

  @Override
  public List<Judgement> judge(List<TextPair> pairs, Branch branch, IntConsumer progress) {
    List<TokenPair> encoded = encode(pairs);
    Judgement[] out = new Judgement[pairs.size()];
    for (int[] idx : batcher.batches(encoded.stream().mapToInt(p -> p.ids().length).toArray())) {
      try (NDManager scope = model.manager().newSubManager()) {
        NDArray[] r =
            forward(scope, batch(Arrays.stream(idx).mapToObj(encoded::get).toList()), false);
        float[] scores = Activation.sigmoid(r[0]).toFloatArray();
        float[] features = r[1].toFloatArray();
        int d = features.length / idx.length;
        for (int i = 0; i < idx.length; i++) {
          out[idx[i]] = new Judgement(scores[i], Arrays.copyOfRange(features, i * d, (i + 1) * d));
        }
      }
      progress.accept(idx.length);
    }
    return List.of(out);
  }

  /** Every weight (backbone, pooler, classifier) under the names Hugging Face saves. */
  public Map<String, ai.djl.nn.Parameter> parameters() {
    Map<String, ai.djl.nn.Parameter> all = new LinkedHashMap<>();
    bert.namedParameters().forEach((n, p) -> all.put("bert." + n, p));
    all.putAll(head.namedParameters());
    return all;
  }

  /**
   * Writes the teacher as a Hugging Face {@code BertForSequenceClassification} directory: weights,
   * config (with {@code num_labels} 1) and the tokenizer files of the model it was opened from.
   */
  public void save(Path out) {
    try {
      Files.createDirectories(out);
      Map<String, HostTensor> tensors = new LinkedHashMap<>();
      parameters()
          .forEach(
              (n, p) ->
                  tensors.put(
                      n,
                      HostTensor.ofFloats(
                          p.getArray().toFloatArray(), p.getArray().getShape().getShape())));
      SafetensorsWriter.write(out.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
      Path from = model.directory();
      ObjectMapper json = new ObjectMapper();
      ObjectNode config = (ObjectNode) json.readTree(from.resolve("config.json").toFile());
      config.putArray("architectures").add("BertForSequenceClassification");
      config.put("num_labels", 1);
      json.writerWithDefaultPrettyPrinter().writeValue(out.resolve("config.json").toFile(), config);
      for (String f :
          List.of(
              "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")) {
        if (Files.isRegularFile(from.resolve(f))
            && !from.resolve(f).toAbsolutePath().equals(out.resolve(f).toAbsolutePath())) {
          Files.copy(from.resolve(f), out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save teacher to " + out, e);
    }
  }

  @Override
  public String identity() {
    return identityOf(model.directory());
  }

  /** The identity of the cross-encoder at {@code dir} (its place), known without loading it. */
  static String identityOf(Path dir) {
    return "cross-encoder:" + dir.toAbsolutePath().normalize();
  }

  public BackboneModel model() {
    return model;
  }

  @Override
  public void close() {
    tokenizer.close();
    model.close();
  }
}
