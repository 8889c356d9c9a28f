package dev.d2llm.verify;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.d2llm.backbone.BackboneConfig;
import dev.d2llm.backbone.BackboneModel;
import dev.d2llm.backbone.Precision;
import dev.d2llm.checkpoint.CheckpointException;
import dev.d2llm.peer.OnnxRuntimeEncoder;
import dev.d2llm.text.PaddingSide;
import dev.d2llm.text.TextTokenizer;
import dev.d2llm.text.TokenBatch;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
  private static final int MAGIC = 0x44324f52; // "D2OR"

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
   * Writes ONNX Runtime's final-layer states of {@link ParitySentences#ALL}, batch by batch as
   * {@link #verifyAgainst} reads them (little-endian float32 after a header). Returns the batch
   * count.
   */
  public static int saveReference(Path dir, int threads, Path file) {
    requireOnnx(dir);
    List<float[]> states = new ArrayList<>();
    try (OnnxRuntimeEncoder peer = new OnnxRuntimeEncoder(onnxFile(dir), threads);
        TextTokenizer tokenizer = tokenizer(dir)) {
      for (TokenBatch batch : batches(tokenizer)) {
        states.add(peer.hiddenStates(batch));
      }
    }
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      out.writeInt(MAGIC);
      out.writeInt(states.size());
      for (float[] s : states) {
        out.writeInt(s.length);
        ByteBuffer bytes =
            ByteBuffer.allocate(s.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(s);
        out.write(bytes.array());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the ONNX Runtime reference " + file, e);
    }
    return states.size();
  }

  /**
   * Our states on {@code device} against ONNX Runtime's saved by {@link #saveReference} for the
   * same model.
   */
  public static ParityReport verifyAgainst(Path dir, Path reference, Device device) {
    List<float[]> saved = readReference(reference);
    int[] next = {0};
    return compare(
        dir,
        device,
        "onnxruntime saved in " + reference.getFileName(),
        batch -> {
          if (next[0] >= saved.size()) {
            throw new CheckpointException(
                reference
                    + " holds "
                    + saved.size()
                    + " batches; the sentences need more:"
                    + " it was saved for another model or version");
          }
          float[] theirs = saved.get(next[0]++);
          if (theirs.length % (batch.size() * batch.length()) != 0) {
            throw new CheckpointException(
                reference
                    + " batch "
                    + next[0]
                    + " has "
                    + theirs.length
                    + " values, not a"
                    + " multiple of "
                    + batch.size()
                    + "x"
                    + batch.length()
                    + " tokens: saved for another tokenizer");
          }
          return theirs;
        });
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

  private static List<float[]> readReference(Path file) {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      if (in.readInt() != MAGIC) {
        throw new CheckpointException(
            file
                + " is not an ONNX Runtime reference written by model verify --save-onnx-reference");
      }
      int n = in.readInt();
      List<float[]> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] bytes = new byte[in.readInt() * Float.BYTES];
        in.readFully(bytes);
        float[] values = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        out.add(values);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the ONNX Runtime reference " + file, e);
    }
  }

  private static void requireOnnx(Path dir) {
    if (!applies(dir)) {
      throw new CheckpointException("no ONNX export to compare with at " + onnxFile(dir));
    }
  }
}
