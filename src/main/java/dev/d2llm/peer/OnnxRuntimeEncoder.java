package dev.d2llm.peer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.d2llm.text.TokenBatch;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A BERT-family ONNX model run by ONNX Runtime, returning {@code last_hidden_state}. It shares no
 * memory with the caller: ORT's Java API copies the Java arrays into direct buffers that each input
 * tensor holds until it is closed after the run, and the states are copied out before the result is
 * closed. Runs and {@link #close} are serialised, and a closed encoder refuses to run, so a peer
 * used from several threads cannot run a freed session.
 */
public final class OnnxRuntimeEncoder implements AutoCloseable {

  private final OrtEnvironment env;
  private final OrtSession session;
  private final boolean takesTokenTypes;
  private boolean closed;

  public OnnxRuntimeEncoder(Path onnxFile, int threads) {
    try {
      env = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      session = env.createSession(onnxFile.toString(), options);
      takesTokenTypes = session.getInputNames().contains("token_type_ids");
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime cannot load " + onnxFile + ": " + e.getMessage(), e);
    }
  }

  /** Final-layer states [size*length*hidden] (row-major) for a right-padded batch. */
  public synchronized float[] hiddenStates(TokenBatch batch) {
    if (closed) {
      throw new IllegalStateException("this ONNX Runtime encoder is closed");
    }
    long[] shape = {batch.size(), batch.length()};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(batch.ids()), shape));
      inputs.put(
          "attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(batch.mask()), shape));
      if (takesTokenTypes) {
        inputs.put(
            "token_type_ids",
            OnnxTensor.createTensor(env, LongBuffer.wrap(new long[batch.ids().length]), shape));
      }
      try (OrtSession.Result result = session.run(inputs)) {
        FloatBuffer fb = ((OnnxTensor) result.get(0)).getFloatBuffer();
        float[] out = new float[fb.remaining()];
        fb.get(out);
        return out;
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
