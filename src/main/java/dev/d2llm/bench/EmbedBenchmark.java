package dev.d2llm.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.d2llm.backbone.BackboneModel;
import dev.d2llm.embedding.LengthBatcher;
import dev.d2llm.embedding.Pooling;
import dev.d2llm.embedding.SentenceEncoder;
import dev.d2llm.embedding.SentenceTransformersFiles;
import dev.d2llm.peer.OnnxRuntimeEncoder;
import dev.d2llm.text.PaddingSide;
import dev.d2llm.text.TextTokenizer;
import dev.d2llm.text.TokenBatch;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Embedding throughput, ours against ONNX Runtime on the original ONNX export: the same token ids,
 * the same threads, each side making unit vectors with the model's pooling as its product path does
 * (ours runs only the work the pooling needs; the peer runs its graph and pools on the host), each
 * engine at the best of the same length-sorted batchings, medians of repeated passes. Tokenisation
 * is shared and not timed.
 */
public final class EmbedBenchmark {

  /** What one run measured. */
  public record Result(
      int texts, long tokens, double oursSentencesPerSecond, double peerSentencesPerSecond) {
    public double speedup() {
      return oursSentencesPerSecond / peerSentencesPerSecond;
    }
  }

  private final Path modelDir;
  private final int threads;
  private final int repeats;
  private final List<Integer> tokenBudgets;
  private final PrintStream log;

  public EmbedBenchmark(
      Path modelDir, int threads, int repeats, List<Integer> tokenBudgets, PrintStream log) {
    this.modelDir = modelDir;
    this.threads = threads;
    this.repeats = repeats;
    this.tokenBudgets = List.copyOf(tokenBudgets);
    this.log = log;
  }

  public Result run(List<String> texts) {
    try (BackboneModel model = BackboneModel.load(modelDir);
        TextTokenizer tokenizer =
            TextTokenizer.open(modelDir, Math.min(512, model.config().maxPositions()), true);
        OnnxRuntimeEncoder peer =
            new OnnxRuntimeEncoder(modelDir.resolve("onnx/model.onnx"), threads)) {
      Pooling pool = SentenceTransformersFiles.read(modelDir).pooling();
      int dim = model.config().hiddenSize();
      List<long[]> ids = tokenizer.encodeAll(texts);
      long tokens = ids.stream().mapToLong(a -> a.length).sum();
      log.printf(
          "texts=%d tokens=%d threads=%d repeats=%d %s%n",
          ids.size(), tokens, threads, repeats, CpuVendor.describe());
      List<List<TokenBatch>> batchings =
          tokenBudgets.stream().map(b -> batches(ids, tokenizer.padId(), b)).toList();
      // Each engine runs all its passes in one phase: an idle engine's spinning worker threads
      // would otherwise steal cores from the other.
      double[] ours = new double[batchings.size()];
      for (int i = 0; i < ours.length; i++) {
        List<TokenBatch> batches = batchings.get(i);
        ours[i] = ids.size() / medianSeconds(() -> batches.forEach(b -> embedOurs(model, pool, b)));
      }
      double[] theirs = new double[batchings.size()];
      for (int i = 0; i < theirs.length; i++) {
        List<TokenBatch> batches = batchings.get(i);
        theirs[i] =
            ids.size() / medianSeconds(() -> batches.forEach(b -> embedPeer(peer, pool, b, dim)));
      }
      // The same vectors, or the speeds compare different work: the first batch, both engines.
      TokenBatch first = batchings.get(0).get(0);
      float[] mine = embedOurs(model, pool, first);
      float[][] peers = embedPeer(peer, pool, first, dim);
      double diff = 0;
      for (int r = 0; r < peers.length; r++) {
        for (int k = 0; k < dim; k++) {
          diff = Math.max(diff, Math.abs(mine[r * dim + k] - peers[r][k]));
        }
      }
      log.printf("pooling=%s embedding_max_abs_diff=%.3e%n", pool, diff);
      for (int i = 0; i < ours.length; i++) {
        log.printf(
            "token_budget=%d batches=%d d2llm=%.1f sentences/s onnxruntime=%.1f sentences/s%n",
            tokenBudgets.get(i), batchings.get(i).size(), ours[i], theirs[i]);
      }
      return new Result(
          ids.size(),
          tokens,
          Arrays.stream(ours).max().orElseThrow(),
          Arrays.stream(theirs).max().orElseThrow());
    }
  }

  /** Our embeddings of a batch, as the product makes them: pooled with only the work needed. */
  private static float[] embedOurs(BackboneModel model, Pooling pooling, TokenBatch b) {
    try (NDManager scope = model.manager().newSubManager()) {
      NDArray mask = b.maskArray(scope);
      NDArray pooled = pooling.encode(model.backbone(), null, b.idsArray(scope), mask, false);
      return Pooling.normalize(pooled).toFloatArray();
    }
  }

  /**
   * The peer's embeddings of a batch, as a Java user of ONNX Runtime makes them: the exported
   * graph's final states [B,T,d], pooled and normalised on the host.
   */
  static float[][] embedPeer(OnnxRuntimeEncoder peer, Pooling pooling, TokenBatch b, int dim) {
    float[] states = peer.hiddenStates(b);
    int t = b.length();
    float[][] out = new float[b.size()][dim];
    for (int r = 0; r < b.size(); r++) {
      float[] v = out[r];
      switch (pooling) {
        case CLS -> System.arraycopy(states, r * t * dim, v, 0, dim);
        case MEAN -> {
          int n = 0;
          for (int j = 0; j < t; j++) {
            if (b.mask()[r * t + j] != 0) {
              n++;
              for (int k = 0; k < dim; k++) {
                v[k] += states[(r * t + j) * dim + k];
              }
            }
          }
          for (int k = 0; k < dim; k++) {
            v[k] /= Math.max(n, 1);
          }
        }
        case LAST_TOKEN ->
            throw new IllegalArgumentException("bench embed compares BERT-family encoders");
      }
      out[r] = SentenceEncoder.unit(v);
    }
    return out;
  }

  private static List<TokenBatch> batches(List<long[]> ids, long padId, int budget) {
    LengthBatcher batcher = new LengthBatcher(budget, 256);
    int[] lengths = ids.stream().mapToInt(a -> a.length).toArray();
    List<TokenBatch> out = new ArrayList<>();
    for (int[] idx : batcher.batches(lengths)) {
      List<long[]> rows = new ArrayList<>();
      for (int i : idx) {
        rows.add(ids.get(i));
      }
      out.add(TokenBatch.pad(rows, padId, PaddingSide.RIGHT));
    }
    return out;
  }

  private double medianSeconds(Runnable pass) {
    pass.run(); // warm-up: kernels, allocator, JIT
    double[] s = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      pass.run();
      s[i] = (System.nanoTime() - t0) / 1e9;
    }
    Arrays.sort(s);
    return s[repeats / 2];
  }
}
