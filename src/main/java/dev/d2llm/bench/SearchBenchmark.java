package dev.d2llm.bench;

import dev.d2llm.embedding.SentenceEncoder;
import dev.d2llm.index.SearchIndex;
import dev.d2llm.index.VectorRows;
import dev.d2llm.peer.LuceneVectorSearch;
import dev.d2llm.search.ScoringKernel;
import dev.d2llm.search.SearchMode;
import dev.d2llm.search.SearchQuery;
import dev.d2llm.search.SearchResult;
import dev.d2llm.search.Searcher;
import dev.d2llm.search.TopK;
import dev.d2llm.student.Branch;
import dev.d2llm.student.Student;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Search over one index with one student, measured the way a server answers: per-query latency
 * including query encoding at several concurrencies, the cosine scan's bytes per second against the
 * memory bandwidth measured in the same run, and the exact top-k scan against Apache Lucene's exact
 * search on the same vectors. Every figure is a median or a percentile of many queries.
 */
public final class SearchBenchmark {

  /**
   * What to run: warm-up queries, concurrencies, the search mode and candidates, hits per query,
   * scan threads, query vectors and passes for the scan comparisons, the bandwidth array, and
   * whether the timed searches scan an int8 copy of fp32 vectors (as an int8 index stores them).
   */
  public record Options(
      int warmup,
      List<Integer> concurrency,
      SearchMode mode,
      int candidates,
      int topK,
      int threads,
      int scanQueries,
      int scanPasses,
      long bandwidthBytes,
      int bandwidthPasses,
      boolean int8FirstStage) {
    public Options {
      concurrency = List.copyOf(concurrency);
      Objects.requireNonNull(mode, "mode");
      if (warmup < 0
          || topK <= 0
          || threads <= 0
          || scanQueries <= 0
          || scanPasses <= 0
          || bandwidthPasses <= 0
          || concurrency.isEmpty()
          || concurrency.stream().anyMatch(c -> c <= 0)) {
        // The fields are not assigned yet inside a compact constructor: name the parameters
        // themselves.
        throw new IllegalArgumentException(
            "warm-up must be >= 0; topK, threads, scan queries and passes,"
                + " bandwidth passes and every concurrency must be > 0; found warmup="
                + warmup
                + " topK="
                + topK
                + " threads="
                + threads
                + " scanQueries="
                + scanQueries
                + " scanPasses="
                + scanPasses
                + " bandwidthPasses="
                + bandwidthPasses
                + " concurrency="
                + concurrency);
      }
    }
  }

  /**
   * Latency percentiles (milliseconds, query encoding included) and throughput at one concurrency.
   */
  public record Latency(int concurrency, int queries, double p50Ms, double p99Ms, double qps) {}

  /** Median milliseconds of each stage of a search at concurrency 1. */
  public record Stages(double encodeMs, double scanMs, double iemMs) {}

  /**
   * The cosine scan alone: median milliseconds for the top {@code k} and the bytes of vectors read
   * per second.
   */
  public record Scan(
      String encoding,
      int threads,
      long bytes,
      double medianMs,
      double bytesPerSecond,
      double overlapWithFp32) {}

  /**
   * Our exact cosine top-k against Lucene's on the same vectors and threads; {@code agreement}:
   * shared rows / k.
   */
  public record Peer(
      int threads, int segments, double oursMedianMs, double luceneMedianMs, double agreement) {
    /** How many times faster our median is than Lucene's. */
    public double speedup() {
      return luceneMedianMs / oursMedianMs;
    }
  }

  /**
   * Everything one run measured; bandwidths in bytes per second on one thread and on all scan
   * threads.
   */
  public record Report(
      List<Latency> latency,
      Stages stages,
      List<Scan> scans,
      double bandwidthOneThread,
      double bandwidthAllThreads,
      List<Peer> peers,
      String luceneScorer) {}

  private final Student student;
  private final String fingerprint;
  private final SearchIndex index;
  private final ScoringKernel kernel;
  private final PrintStream log;

  public SearchBenchmark(
      Student student,
      String fingerprint,
      SearchIndex index,
      ScoringKernel kernel,
      PrintStream log) {
    this.student = Objects.requireNonNull(student, "student");
    this.fingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
    this.index = Objects.requireNonNull(index, "index");
    this.kernel = Objects.requireNonNull(kernel, "kernel");
    this.log = Objects.requireNonNull(log, "log");
  }

  /** Runs every measurement; {@code queries} must hold more texts than the warm-up. */
  public Report run(List<String> queries, Options o) {
    if (queries.size() <= o.warmup()) {
      throw new IllegalArgumentException(
          "need more than " + o.warmup() + " queries (the warm-up), found " + queries.size());
    }
    List<String> warm = queries.subList(0, o.warmup());
    List<String> timed = queries.subList(o.warmup(), queries.size());
    VectorRows.Int8 int8 =
        index.vectors() instanceof VectorRows.Floats f ? VectorRows.Int8.quantize(f) : null;
    SearchIndex int8Index =
        int8 == null
            ? null
            : new SearchIndex(
                index.manifest(), int8, index.projection(), index.ids(), index.texts());
    SearchIndex served = o.int8FirstStage() && int8Index != null ? int8Index : index;
    int frozen =
        student.freezeForServing(); // as the search function serves: the Vector API kernels
    log.printf(
        Locale.ROOT,
        "index: %d passages, %d-d %s vectors (%.1f MiB), kernel %s, %d scan threads;"
            + " %d projections on the row kernel; load average %.2f on %d cores%n",
        index.count(),
        index.manifest().dimension(),
        index.manifest().vectorEncoding().label(),
        index.vectors().bytes() / 1048576.0,
        kernel.name(),
        o.threads(),
        frozen,
        loadAverage(),
        Runtime.getRuntime().availableProcessors());
    log.printf(
        Locale.ROOT,
        "timed searches scan %s vectors%n",
        served.vectors() instanceof VectorRows.Int8
            ? "int8 (quantised in memory)"
            : index.manifest().vectorEncoding().label());
    try (Searcher searcher = new Searcher(student, fingerprint, served, kernel, o.threads())) {
      warm.forEach(q -> searcher.search(query(q, o)));
      List<Latency> latency = new ArrayList<>();
      Stages stages = null;
      for (int c : o.concurrency()) {
        double[] ms = new double[timed.size()];
        SearchResult.Timings[] timings = new SearchResult.Timings[timed.size()];
        long t0 = System.nanoTime();
        if (c == 1) {
          for (int i = 0; i < timed.size(); i++) {
            timings[i] = timeOne(searcher, timed.get(i), o, ms, i);
          }
        } else {
          concurrently(
              c, timed.size(), i -> timings[i] = timeOne(searcher, timed.get(i), o, ms, i));
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        Latency l =
            new Latency(
                c, timed.size(), percentile(ms, 50), percentile(ms, 99), timed.size() / wall);
        latency.add(l);
        log.printf(
            Locale.ROOT,
            "%s search, concurrency %d: %d queries, p50 %.2f ms, p99 %.2f ms, %.1f queries/s%n",
            o.mode().label(),
            c,
            l.queries(),
            l.p50Ms(),
            l.p99Ms(),
            l.qps());
        if (c == 1) {
          stages =
              new Stages(
                  percentile(
                      Arrays.stream(timings).mapToDouble(SearchResult.Timings::encodeMs).toArray(),
                      50),
                  percentile(
                      Arrays.stream(timings).mapToDouble(SearchResult.Timings::scanMs).toArray(),
                      50),
                  percentile(
                      Arrays.stream(timings).mapToDouble(SearchResult.Timings::iemMs).toArray(),
                      50));
          log.printf(
              Locale.ROOT,
              "  stage medians at concurrency 1: encode %.2f ms, scan %.2f ms, iem %.2f ms%n",
              stages.encodeMs(),
              stages.scanMs(),
              stages.iemMs());
        }
      }
      List<float[]> vectors =
          timed.subList(0, Math.min(o.scanQueries(), timed.size())).stream()
              .map(q -> SentenceEncoder.unit(searcher.queryVector(q)))
              .toList();
      return measureScans(vectors, latency, stages, int8Index, o);
    }
  }

  private Report measureScans(
      List<float[]> vectors,
      List<Latency> latency,
      Stages stages,
      SearchIndex int8Index,
      Options o) {
    int k = Math.min(o.topK(), index.count());
    List<Scan> scans = new ArrayList<>();
    List<Peer> peers = new ArrayList<>();
    List<Integer> threadCounts = o.threads() == 1 ? List.of(1) : List.of(1, o.threads());
    for (int threads : threadCounts) {
      try (Searcher fp32 = new Searcher(student, fingerprint, index, kernel, threads);
          LuceneVectorSearch lucene = LuceneVectorSearch.build(index.vectors(), threads, threads)) {
        List<TopK.Ranked> exact = new ArrayList<>();
        double[][] both =
            interleaved(
                vectors,
                o.scanPasses(),
                v -> fp32.cosineTop(v, k),
                v -> lucene.search(v, k),
                exact);
        double ours = percentile(both[0], 50);
        double theirs = percentile(both[1], 50);
        double agreement = 0;
        for (int i = 0; i < vectors.size(); i++) {
          agreement += overlap(exact.get(i).rows(), lucene.search(vectors.get(i), k).rows());
        }
        agreement /= vectors.size();
        Scan s =
            new Scan(
                index.manifest().vectorEncoding().label(),
                threads,
                index.vectors().bytes(),
                ours,
                index.vectors().bytes() / (ours / 1e3),
                1.0);
        scans.add(s);
        peers.add(new Peer(threads, lucene.segments(), ours, theirs, agreement));
        log.printf(
            Locale.ROOT,
            "exact cosine top-%d, %d thread(s): d2llm %.3f ms (%.2f GB/s), Lucene %.3f ms"
                + " (%d segment(s)): %.2fx; same rows %.1f%%%n",
            k,
            threads,
            ours,
            s.bytesPerSecond() / 1e9,
            theirs,
            lucene.segments(),
            theirs / ours,
            100 * agreement);
        if (int8Index != null) {
          try (Searcher q8 = new Searcher(student, fingerprint, int8Index, kernel, threads)) {
            double[] ms = timed(vectors, o.scanPasses(), v -> q8.cosineTop(v, k));
            double overlap = 0;
            for (int i = 0; i < vectors.size(); i++) {
              overlap += overlap(exact.get(i).rows(), q8.cosineTop(vectors.get(i), k).rows());
            }
            overlap /= vectors.size();
            double median = percentile(ms, 50);
            long bytes = int8Index.vectors().bytes();
            Scan s8 = new Scan("int8", threads, bytes, median, bytes / (median / 1e3), overlap);
            scans.add(s8);
            log.printf(
                Locale.ROOT,
                "int8 cosine top-%d, %d thread(s): %.3f ms (%.2f GB/s); same rows as fp32 %.1f%%%n",
                k,
                threads,
                median,
                s8.bytesPerSecond() / 1e9,
                100 * overlap);
          }
        }
      }
    }
    MemoryBandwidth bandwidth = new MemoryBandwidth(o.bandwidthBytes());
    double one = bandwidth.bytesPerSecond(1, o.bandwidthPasses());
    double all =
        o.threads() == 1 ? one : bandwidth.bytesPerSecond(o.threads(), o.bandwidthPasses());
    log.printf(
        Locale.ROOT,
        "memory read bandwidth (%.2f GiB, best of %d): %.2f GB/s on 1 thread, %.2f GB/s on %d;"
            + " load average %.2f%n",
        bandwidth.bytes() / 1073741824.0,
        o.bandwidthPasses(),
        one / 1e9,
        all / 1e9,
        o.threads(),
        loadAverage());
    return new Report(latency, stages, scans, one, all, peers, LuceneVectorSearch.scorer());
  }

  private SearchQuery query(String text, Options o) {
    return new SearchQuery(
        text,
        o.topK(),
        Branch.ASYMMETRIC,
        o.mode(),
        o.mode() == SearchMode.TWO_STAGE ? Math.max(o.topK(), o.candidates()) : 0);
  }

  private SearchResult.Timings timeOne(
      Searcher searcher, String text, Options o, double[] ms, int i) {
    long t0 = System.nanoTime();
    SearchResult r = searcher.search(query(text, o));
    ms[i] = (System.nanoTime() - t0) / 1e6;
    return r.timings();
  }

  private interface Task {
    void run(int i);
  }

  /**
   * Runs tasks 0..n-1 on {@code threads} threads that each take the next one as soon as they are
   * free.
   */
  private static void concurrently(int threads, int n, Task task) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger next = new AtomicInteger();
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    task.run(i);
                  }
                }));
      }
      for (Future<?> w : workers) {
        w.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a query thread failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private interface Scanner {
    TopK.Ranked top(float[] unitQuery);
  }

  /** Milliseconds of every (pass, query), after one untimed pass. */
  private static double[] timed(List<float[]> vectors, int passes, Scanner scan) {
    vectors.forEach(scan::top);
    double[] ms = new double[passes * vectors.size()];
    for (int p = 0; p < passes; p++) {
      for (int i = 0; i < vectors.size(); i++) {
        long t0 = System.nanoTime();
        scan.top(vectors.get(i));
        ms[p * vectors.size() + i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    return ms;
  }

  /**
   * Both scanners' milliseconds for every (pass, query), taking turns query by query so that any
   * slowdown of the shared machine falls on both; the first's answers land in {@code answers}.
   */
  private static double[][] interleaved(
      List<float[]> vectors, int passes, Scanner first, Scanner second, List<TopK.Ranked> answers) {
    vectors.forEach(v -> answers.add(first.top(v)));
    vectors.forEach(second::top);
    double[][] ms = new double[2][passes * vectors.size()];
    for (int p = 0; p < passes; p++) {
      for (int i = 0; i < vectors.size(); i++) {
        boolean firstFirst = (p + i) % 2 == 0;
        for (int turn = 0; turn < 2; turn++) {
          int which = (turn == 0) == firstFirst ? 0 : 1;
          Scanner s = which == 0 ? first : second;
          long t0 = System.nanoTime();
          s.top(vectors.get(i));
          ms[which][p * vectors.size() + i] = (System.nanoTime() - t0) / 1e6;
        }
      }
    }
    return ms;
  }

  /**
   * The system's one-minute load average: other work on the machine shows in every figure, so it is
   * printed with them.
   */
  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** The share of {@code a}'s rows that {@code b} also holds. */
  static double overlap(int[] a, int[] b) {
    Set<Integer> in = new HashSet<>();
    for (int r : a) {
      in.add(r);
    }
    int shared = 0;
    for (int r : b) {
      if (in.contains(r)) {
        shared++;
      }
    }
    return a.length == 0 ? 1.0 : shared / (double) a.length;
  }

  /** The p-th percentile by the nearest-rank method. */
  static double percentile(double[] values, double p) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }
}
