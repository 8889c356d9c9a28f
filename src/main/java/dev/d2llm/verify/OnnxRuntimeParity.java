package dev.d2llm.verify;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.d2llm.backbone.BackboneConfig;
import dev.d2llm.backbone.BackboneModel;
import dev.d2llm.backbone.Precision;
import dev.d2llm.checkpoint.CheckpointException;
import dev.d2llm.checkpoint.HostTensor;
import dev.d2llm.checkpoint.SafetensorsFile;
import dev.d2llm.checkpoint.SafetensorsWriter;
import dev.d2llm.peer.OnnxRuntimeEncoder;
import dev.d2llm.text.PaddingSide;
import dev.d2llm.text.TextTokenizer;
import dev.d2llm.text.TokenBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Compares a BERT-family model directory's final-layer states with ONNX Runtime running the
 * original ONNX export ({@code onnx/model.onnx} beside the weights), on padded mixed-length
 * batches. ONNX Runtime's states can also be saved to a file on one machine ({@link
 * #saveReference}) and compared with ours on another, such as a GPU machine without ONNX Runtime
 * ({@link #verifyAgainst}).
 */
public final class OnnxRuntimeParity {

  /** The bound on the largest absolute difference in float32. */
  public static final double TOLERANCE = 1e-4;

  private static final int BATCH = 8;
  private static final String REFERENCE_FORMAT = "d2llm-onnxruntime-reference";

  private OnnxRuntimeParity() {}

  /** Whether {@code dir} holds an ONNX export to compare with. */
  public static boolean applies(Path dir) {
    return Files.isRegularFile(onnxFile(dir));
  }

  static Path onnxFile(Path dir) {
    return dir.resolve("onnx").resolve("model.onnx");
  }

  /** Runs the comparison over {@link ParitySentences#ALL}, both sides on the CPU. */
  public static ParityReport verify(Path dir, int threads) {
    requireOnnx(dir);
    try (OnnxRuntimeEncoder peer = new OnnxRuntimeEncoder(onnxFile(dir), threads)) {
      return compare(dir, Device.cpu(), "onnxruntime", peer::hiddenStates);
    }
  }

  /**
   * Writes ONNX Runtime's final-layer states of {@link ParitySentences#ALL} as a safetensors file,
   * batch by batch ({@code batch.N.input_ids} and {@code batch.N.last_hidden_state}), as {@link
   * #verifyAgainst} reads them. Returns the batch count.
   */
  public static int saveReference(Path dir, int threads, Path file) {
    requireOnnx(dir);
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    int n = 0;
    try (OnnxRuntimeEncoder peer = new OnnxRuntimeEncoder(onnxFile(dir), threads);
        TextTokenizer tokenizer = tokenizer(dir)) {
      for (TokenBatch batch : batches(tokenizer)) {
        float[] states = peer.hiddenStates(batch);
        long[] shape = {batch.size(), batch.length()};
        tensors.put("batch." + n + ".input_ids", HostTensor.ofLongs(batch.ids(), shape));
        tensors.put(
            "batch." + n + ".last_hidden_state",
            HostTensor.ofFloats(
                states,
                batch.size(),
                batch.length(),
                states.length / (batch.size() * batch.length())));
        n++;
      }
    }
    SafetensorsWriter.write(file, tensors, Map.of("format", REFERENCE_FORMAT, "batches", "" + n));
    return n;
  }

  /**
   * Our states on {@code device} against ONNX Runtime's saved by {@link #saveReference} for the
   * same model; the saved token ids must be ours.
   */
  public static ParityReport verifyAgainst(Path dir, Path reference, Device device) {
    try (SafetensorsFile saved = openReference(reference)) {
      int[] next = {0};
      return compare(
          dir,
          device,
          "onnxruntime saved in " + reference.getFileName(),
          batch -> {
            String prefix = "batch." + next[0]++ + ".";
            if (!saved.contains(prefix + "input_ids")
                || !Arrays.equals(saved.longs(prefix + "input_ids"), batch.ids())) {
              throw new CheckpointException(
                  reference
                      + " has other token ids than ours at "
                      + prefix
                      + "input_ids: it was saved for another model, tokenizer or version");
            }
            return saved.floats(prefix + "last_hidden_state");
          });
    }
  }

  private static SafetensorsFile openReference(Path file) {
    String notOne =
        file + " is not an ONNX Runtime reference written by model verify --save-onnx-reference";
    SafetensorsFile saved;
    try {
      saved = SafetensorsFile.open(file);
    } catch (CheckpointException e) {
      throw new CheckpointException(notOne + " (" + e.getMessage() + ")", e);
    }
    if (!REFERENCE_FORMAT.equals(saved.metadata().get("format"))) {
      saved.close();
      throw new CheckpointException(notOne);
    }
    return saved;
  }

  private static ParityReport compare(
      Path dir, Device device, String peerName, Function<TokenBatch, float[]> peer) {
    double max = 0;
    try (BackboneModel model = BackboneModel.load(dir, device, Precision.FP32);
        TextTokenizer tokenizer = tokenizer(dir)) {
      int width = model.config().hiddenSize();
      for (TokenBatch batch : batches(tokenizer)) {
        float[] ours;
        try (NDManager scope = model.manager().newSubManager()) {
          NDArray h =
              model
                  .backbone()
                  .hiddenStates(null, batch.idsArray(scope), batch.maskArray(scope), false);
          ours = h.toType(DataType.FLOAT32, false).toFloatArray();
        }
        float[] theirs = peer.apply(batch);
        if (theirs.length != ours.length) {
          throw new CheckpointException(
              peerName + " gave " + theirs.length + " values where ours are " + ours.length);
        }
        max = Math.max(max, Differences.maxAbsOverTokens(ours, theirs, batch.mask(), width));
      }
    }
    List<Comparison> list = new ArrayList<>();
    list.add(
        new Comparison(
            "last_hidden_state on "
                + device
                + " vs "
                + peerName
                + " ("
                + ParitySentences.ALL.size()
                + " sentences)",
            max,
            TOLERANCE,
            true));
    return new ParityReport(dir.toString(), list);
  }

  private static List<TokenBatch> batches(TextTokenizer tokenizer) {
    List<long[]> ids = tokenizer.encodeAll(ParitySentences.ALL);
    List<TokenBatch> out = new ArrayList<>();
    for (int start = 0; start < ids.size(); start += BATCH) {
      out.add(
          TokenBatch.pad(
              ids.subList(start, Math.min(ids.size(), start + BATCH)),
              tokenizer.padId(),
              PaddingSide.RIGHT));
    }
    return out;
  }

  private static TextTokenizer tokenizer(Path dir) {
    return TextTokenizer.open(dir, Math.min(512, BackboneConfig.read(dir).maxPositions()), true);
  }

  private static void requireOnnx(Path dir) {
    if (!applies(dir)) {
      throw new CheckpointException("no ONNX export to compare with at " + onnxFile(dir));
    }
  }
}
