package dev.d2llm.verify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.d2llm.backbone.BackboneModel;
import dev.d2llm.checkpoint.CheckpointException;
import dev.d2llm.peer.OnnxRuntimeEncoder;
import dev.d2llm.text.PaddingSide;
import dev.d2llm.text.TextTokenizer;
import dev.d2llm.text.TokenBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares a BERT-family model directory's final-layer states with ONNX Runtime running the
 * original ONNX export ({@code onnx/model.onnx} beside the weights), on padded mixed-length batches.
 */
public final class OnnxRuntimeParity {

  /** The bound on the largest absolute difference in float32. */
  public static final double TOLERANCE = 1e-4;
  private static final int BATCH = 8;

  private OnnxRuntimeParity() {}

  /** Whether {@code dir} holds an ONNX export to compare with. */
  public static boolean applies(Path dir) {
    return Files.isRegularFile(onnxFile(dir));
  }

  static Path onnxFile(Path dir) {
    return dir.resolve("onnx").resolve("model.onnx");
  }

  /** Runs the comparison over {@link ParitySentences#ALL}. */
  public static ParityReport verify(Path dir, int threads) {
    if (!applies(dir)) {
      throw new CheckpointException("no ONNX export to compare with at " + onnxFile(dir));
    }
    List<String> texts = ParitySentences.ALL;
    double max = 0;
    int width;
    try (BackboneModel model = BackboneModel.load(dir);
        TextTokenizer tokenizer = TextTokenizer.open(dir, Math.min(512, model.config().maxPositions()), true);
        OnnxRuntimeEncoder peer = new OnnxRuntimeEncoder(onnxFile(dir), threads)) {
      width = model.config().hiddenSize();
      List<long[]> ids = tokenizer.encodeAll(texts);
      for (int start = 0; start < ids.size(); start += BATCH) {
        TokenBatch batch = TokenBatch.pad(ids.subList(start, Math.min(ids.size(), start + BATCH)), tokenizer.padId(), PaddingSide.RIGHT);
        float[] ours;
        try (NDManager scope = model.manager().newSubManager()) {
          NDArray h = model.backbone().hiddenStates(null, batch.idsArray(scope), batch.maskArray(scope), false);
          ours = h.toType(DataType.FLOAT32, false).toFloatArray();
        }
        float[] theirs = peer.hiddenStates(batch);
        max = Math.max(max, Differences.maxAbsOverTokens(ours, theirs, batch.mask(), width));
      }
    }
    List<Comparison> list = new ArrayList<>();
    list.add(new Comparison("last_hidden_state vs onnxruntime (" + texts.size() + " sentences)", max, TOLERANCE, true));
    return new ParityReport(dir.toString(), list);
  }
}
