package dev.d2llm.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.d2llm.embedding.SentenceEncoder;
import dev.d2llm.embedding.TextRole;
import dev.d2llm.index.IndexFormatException;
import dev.d2llm.index.SearchIndex;
import dev.d2llm.index.VectorRows;
import dev.d2llm.nn.RowKernels;
import dev.d2llm.student.Branch;
import dev.d2llm.student.HostIem;
import dev.d2llm.student.IemKind;
import dev.d2llm.student.Student;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Answers queries over one index with one student: encodes the query once, then ranks by a full IEM
 * scan or by a cosine scan whose candidates the IEM re-ranks. Safe for concurrent queries.
 */
public final class Searcher implements AutoCloseable {

  /** Below this many rows a scan runs on the calling thread. */
  private static final int PARALLEL_FROM = 16_384;

  /** Below this many candidates the IEM scores them on the calling thread. */
  private static final int IEM_PARALLEL_FROM = 128;

  /** Rows scored per kernel call (scores stay in L1/L2). */
  private static final int BLOCK = 2_048;

  /** Rows per IEM call in a full scan. */
  private static final int IEM_CHUNK = 4_096;

  private final Student student;
  private final SearchIndex index;
  private final ScoringKernel kernel;
  private final int threads;
  private final ExecutorService pool;

  /** The IEM on host arrays, or null when this JVM has no row kernel (PyTorch scores then). */
  private final HostIem hostIem;

  /**
   * Checks that the index was built by this student (same weights hash, same widths) and prepares
   * {@code threads} scan threads. A student {@linkplain Student#freezeForServing frozen for
   * serving} encodes queries and scores candidates on the Vector API kernels; an unfrozen one
   * through PyTorch, which is faster for a one-off query (the kernels are fast only once the JIT
   * has compiled them).
   */
  public Searcher(
      Student student,
      String studentFingerprint,
      SearchIndex index,
      ScoringKernel kernel,
      int threads) {
    this.student = student;
    this.index = index;
    this.kernel = kernel;
    if (!index.manifest().model().sha256().equals(studentFingerprint)) {
      throw new IndexFormatException(
          "index "
              + index.manifest().version()
              + " was built by model "
              + index.manifest().model().reference()
              + " (sha256 "
              + index.manifest().model().sha256()
              + "), not by the loaded student (sha256 "
              + studentFingerprint
              + "): its IEM projections would be wrong;"
              + " rebuild the index with this student");
    }
    if (index.manifest().dimension() != student.dimension()
        || index.projectionWidth() != student.iem().hidden()) {
      throw new IndexFormatException(
          "index widths (vectors "
              + index.manifest().dimension()
              + ", projection "
              + index.projectionWidth()
              + ") do not match the student ("
              + student.dimension()
              + ", "
              + student.iem().hidden()
              + ")");
    }
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be > 0, found " + threads);
    }
    this.hostIem =
        student.frozenForServing()
            ? RowKernels.best().map(k -> student.iem().toHost(k)).orElse(null)
            : null;
    this.threads = threads;
    this.pool =
        threads == 1
            ? null
            : Executors.newFixedThreadPool(
                threads,
                r -> {
                  Thread t = new Thread(r, "d2llm-scan");
                  t.setDaemon(true);
                  return t;
                });
  }

  /** Ranks the index for one query. */
  public SearchResult search(SearchQuery q) {
    long t0 = System.nanoTime();
    float[] vector = queryVector(q.text(), q.branch());
    long t1 = System.nanoTime();
    int k = Math.min(q.topK(), index.count());
    TopK.Ranked ranked;
    long t2;
    int candidates = 0;
    if (index.count() == 0) {
      ranked = new TopK.Ranked(new int[0], new float[0]);
      t2 = t1;
    } else if (q.mode() == SearchMode.EXACT) {
      t2 = t1;
      ranked = iemTop(vector, k, q.branch());
    } else {
      candidates = Math.min(q.candidates(), index.count());
      TopK.Ranked first = cosineTop(SentenceEncoder.unit(vector), candidates);
      int[] rows = first.rows();
      t2 = System.nanoTime();
      float[] logits = iemLogits(vector, rows, first.scores(), q.branch());
      TopK top = new TopK(k);
      for (int i = 0; i < rows.length; i++) {
        top.offer(logits[i], rows[i]);
      }
      ranked = top.order();
    }
    long t3 = System.nanoTime();
    List<SearchHit> hits = new ArrayList<>(ranked.rows().length);
    for (int i = 0; i < ranked.rows().length; i++) {
      int row = ranked.rows()[i];
      hits.add(
          new SearchHit(
              index.ids().get(row), sigmoid(ranked.scores()[i]), index.texts().get(row), row));
    }
    return new SearchResult(
        hits,
        q.mode(),
        candidates,
        new SearchResult.Timings(ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t3 - t0)));
  }

  /** The student's vector of a search query (a residual student reads it with its query prefix). */
  public float[] queryVector(String text) {
    return queryVector(text, Branch.ASYMMETRIC);
  }

  /**
   * The student's vector of a query on {@code branch}: a query on the asymmetric one, a plain text
   * on the symmetric one.
   */
  public float[] queryVector(String text, Branch branch) {
    return student
        .embed(List.of(text), branch == Branch.ASYMMETRIC ? TextRole.QUERY : TextRole.PLAIN)[0];
  }

  /** The {@code n} rows with the highest cosine to a unit query (the first stage). */
  public TopK.Ranked cosineTop(float[] unitQuery, int n) {
    VectorRows rows = index.vectors();
    TopK all = new TopK(n);
    inParts(rows.rows(), PARALLEL_FROM, (from, to) -> scanRange(rows, unitQuery, from, to, n))
        .forEach(all::addAll);
    return all.order();
  }

  /**
   * The {@code k} rows the IEM scores highest over the whole index (the exact D2LLM ranking), as
   * logits.
   */
  public TopK.Ranked iemTop(float[] queryVector, int k, Branch branch) {
    boolean residual = student.iem().kind() == IemKind.RESIDUAL;
    float[] unitQuery = SentenceEncoder.unit(queryVector);
    if (hostIem != null) {
      float[] qp = hostIem.projectQuery(queryVector);
      List<TopK> parts =
          inParts(
              index.count(),
              IEM_PARALLEL_FROM,
              (from, to) -> {
                TopK top = new TopK(k);
                float[] z = new float[IEM_CHUNK];
                float[] cos = residual ? new float[IEM_CHUNK] : null;
                for (int start = from; start < to; start += IEM_CHUNK) {
                  int n = Math.min(IEM_CHUNK, to - start);
                  if (residual) {
                    kernel.dotProducts(index.vectors(), unitQuery, start, start + n, cos);
                  }
                  hostIem.logits(qp, index.projection(), start, n, branch, z, 0, cos);
                  gate(unitQuery, branch, z, cos, start, null, n);
                  top.offer(z, n, start);
                }
                return top;
              });
      TopK all = new TopK(k);
      parts.forEach(all::addAll);
      return all.order();
    }
    int h = index.projectionWidth();
    float[] proj = index.projection();
    TopK top = new TopK(k);
    try (NDManager scope = student.manager().newSubManager()) {
      NDArray qp =
          student.iem().projectQuery(scope.create(queryVector, new Shape(1, queryVector.length)));
      for (int start = 0; start < index.count(); start += IEM_CHUNK) {
        int n = Math.min(IEM_CHUNK, index.count() - start);
        try (NDManager chunk = scope.newSubManager()) {
          NDArray pp = chunk.create(FloatBuffer.wrap(proj, start * h, n * h), new Shape(n, h));
          NDArray cos = null;
          if (residual) {
            float[] c = new float[n];
            kernel.dotProducts(index.vectors(), unitQuery, start, start + n, c);
            cos = chunk.create(c);
          }
          float[] z = student.iem().scoreProjected(qp, pp, cos, branch).logits().toFloatArray();
          if (residual) {
            gate(unitQuery, branch, z, cos.toFloatArray(), start, null, n);
          }
          top.offer(z, n, start);
        }
      }
    }
    return top.order();
  }

  /**
   * IEM logits of a query vector against the given rows' stored projections (and vectors, for a
   * residual IEM).
   */
  public float[] iemLogits(float[] queryVector, int[] rows, Branch branch) {
    float[] cosines = null;
    if (student.iem().kind() == IemKind.RESIDUAL) {
      float[] unitQuery = SentenceEncoder.unit(queryVector);
      cosines = new float[rows.length];
      float[] one = new float[1];
      for (int i = 0; i < rows.length; i++) {
        kernel.dotProducts(index.vectors(), unitQuery, rows[i], rows[i] + 1, one);
        cosines[i] = one[0];
      }
    }
    return iemLogits(queryVector, rows, cosines, branch);
  }

  /**
   * IEM logits of a query vector against the given rows' stored projections; {@code cosines} are
   * the rows' cosines to the query, as the first stage computed them (read by a residual IEM only).
   */
  public float[] iemLogits(float[] queryVector, int[] rows, float[] cosines, Branch branch) {
    int h = index.projectionWidth();
    float[] gathered = new float[rows.length * h];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(index.projection(), rows[i] * h, gathered, i * h, h);
    }
    if (hostIem != null) {
      float[] qp = hostIem.projectQuery(queryVector);
      float[] out = new float[rows.length];
      inParts(
          rows.length,
          IEM_PARALLEL_FROM,
          (from, to) -> {
            hostIem.logits(qp, gathered, from, to - from, branch, out, from, cosines);
            return null;
          });
      if (cosines != null) {
        gate(SentenceEncoder.unit(queryVector), branch, out, cosines, 0, rows, rows.length);
      }
      return out;
    }
    try (NDManager scope = student.manager().newSubManager()) {
      NDArray qp =
          student.iem().projectQuery(scope.create(queryVector, new Shape(1, queryVector.length)));
      NDArray pp = scope.create(gathered, new Shape(rows.length, h));
      NDArray cos = cosines == null ? null : scope.create(cosines);
      float[] z = student.iem().scoreProjected(qp, pp, cos, branch).logits().toFloatArray();
      if (cosines != null) {
        gate(SentenceEncoder.unit(queryVector), branch, z, cosines, 0, rows, rows.length);
      }
      return z;
    }
  }

  /**
   * Applies the branch's domain gate (if any) to {@code n} ungated logits in place: rows {@code
   * rows} (or, when null, {@code first} on), their cosines to the query from {@code cosines}.
   */
  private void gate(
      float[] unitQuery, Branch branch, float[] z, float[] cosines, int first, int[] rows, int n) {
    var gate = student.iem().gate(branch);
    if (gate.isEmpty()) {
      return;
    }
    float queryWeight = gate.get().query().weight(unitQuery);
    float[] weights = new float[n];
    java.util.Arrays.fill(weights, queryWeight);
    if (queryWeight > 0 && gate.get().passage() != null) {
      float[] similarity = new float[n];
      float[] centre = gate.get().passage().centre();
      if (rows == null) {
        kernel.dotProducts(index.vectors(), centre, first, first + n, similarity);
      } else {
        float[] one = new float[1];
        for (int i = 0; i < n; i++) {
          kernel.dotProducts(index.vectors(), centre, rows[i], rows[i] + 1, one);
          similarity[i] = one[0];
        }
      }
      for (int i = 0; i < n; i++) {
        weights[i] *= gate.get().passageRamp(similarity[i]);
      }
    }
    student.iem().gateLogits(branch, z, cosines, weights, n);
  }

  /**
   * IEM relevance probabilities of one query against passages given as text (no index involved).
   */
  public float[] score(String query, List<String> passages, Branch branch) {
    return student.relevance(query, passages, branch);
  }

  /** The student's vectors of texts. */
  public float[][] embed(List<String> texts) {
    return student.embed(texts, TextRole.PASSAGE);
  }

  public SearchIndex index() {
    return index;
  }

  public ScoringKernel kernel() {
    return kernel;
  }

  private interface RangeTask<T> {
    T run(int from, int to);
  }

  /**
   * Runs {@code task} over {@code [0, n)} split into one range per scan thread (the calling thread
   * takes the last), or in one piece on the calling thread below {@code parallelFrom} rows; results
   * in range order.
   */
  private <T> List<T> inParts(int n, int parallelFrom, RangeTask<T> task) {
    if (pool == null || n < parallelFrom) {
      List<T> one = new ArrayList<>(1);
      one.add(task.run(0, n));
      return one;
    }
    int per = (n + threads - 1) / threads;
    List<Future<T>> forked = new ArrayList<>();
    int start = 0;
    for (; start + per < n; start += per) {
      int from = start;
      int to = start + per;
      forked.add(pool.submit(() -> task.run(from, to)));
    }
    T mine = task.run(start, n);
    List<T> out = new ArrayList<>();
    for (Future<T> f : forked) {
      out.add(join(f));
    }
    out.add(mine);
    return out;
  }

  private static <T> T join(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while scoring", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a scan thread failed", e.getCause());
    }
  }

  private TopK scanRange(VectorRows rows, float[] query, int from, int to, int n) {
    TopK top = new TopK(n);
    float[] block = new float[BLOCK];
    for (int start = from; start < to; start += BLOCK) {
      int end = Math.min(to, start + BLOCK);
      kernel.dotProducts(rows, query, start, end, block);
      top.offer(block, end - start, start);
    }
    return top;
  }

  private static double sigmoid(float z) {
    return 1.0 / (1.0 + Math.exp(-z));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
