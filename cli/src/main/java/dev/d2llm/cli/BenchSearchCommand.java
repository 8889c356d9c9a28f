package dev.d2llm.cli;

import ai.djl.Device;
import dev.d2llm.bench.BenchIndex;
import dev.d2llm.bench.BenchTexts;
import dev.d2llm.bench.SearchBenchmark;
import dev.d2llm.index.IndexReader;
import dev.d2llm.index.SearchIndex;
import dev.d2llm.search.ScoringKernels;
import dev.d2llm.search.SearchMode;
import dev.d2llm.search.SearchQuery;
import dev.d2llm.student.DefaultStudents;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code d2llm bench search}: search latency, throughput, scan bandwidth and the Lucene comparison
 * on one index.
 */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description =
        "Times searches over an index with its student: p50/p99 latency per query including query"
            + " encoding and queries/s at each concurrency, the cosine scan's bytes/s against the memory read"
            + " bandwidth measured in the same run, and the exact cosine top-10 against Apache Lucene's exact search"
            + " on the same vectors. Last line: p50_ms=<v> p99_ms=<v> qps=<v> speedup_vs_lucene=<v> (latency and qps"
            + " at concurrency 1; speedup of the medians on one thread each).")
public class BenchSearchCommand implements Callable<Integer> {

  @Option(
      names = "--index",
      required = true,
      description = "index directory, or a bench corpus directory holding index/")
  Path index;

  @Option(
      names = "--model",
      description = "the student that built the index, or 'default' (default: ${DEFAULT-VALUE})")
  String model = "default";

  @Option(
      names = "--query-file",
      description =
          "where the query texts come from: pair file, queries.jsonl or lines"
              + " (default: ${DEFAULT-VALUE}, held out of the synthetic corpus)")
  Path queryFile = Path.of("../shared/data/en/stsb/dev.tsv");

  @Option(
      names = "--queries",
      description = "timed queries per concurrency (default: ${DEFAULT-VALUE})")
  int queries = 500;

  @Option(names = "--warmup", description = "untimed queries first (default: ${DEFAULT-VALUE})")
  int warmup = 30;

  @Option(
      names = "--concurrency",
      split = ",",
      description = "threads issuing queries (default: ${DEFAULT-VALUE})")
  List<Integer> concurrency = List.of(1, 4);

  @Option(names = "--mode", description = "two-stage or exact (default: ${DEFAULT-VALUE})")
  String mode = "two-stage";

  @Option(
      names = "--candidates",
      description = "two-stage candidates the IEM re-ranks (default: ${DEFAULT-VALUE})")
  int candidates = SearchQuery.DEFAULT_CANDIDATES;

  @Option(names = "--top-k", description = "hits per query (default: ${DEFAULT-VALUE})")
  int topK = 10;

  @Option(
      names = "--scan-queries",
      description = "query vectors for the scan and Lucene comparisons (default: ${DEFAULT-VALUE})")
  int scanQueries = 100;

  @Option(
      names = "--scan-passes",
      description = "timed passes over those vectors (default: ${DEFAULT-VALUE})")
  int scanPasses = 5;

  @Option(
      names = "--bandwidth-gib",
      description = "size of the bandwidth array in GiB (default: ${DEFAULT-VALUE})")
  double bandwidthGib = 1.0;

  @Option(
      names = "--bandwidth-passes",
      description =
          "passes over it; the best counts, as other work on the machine"
              + " can only slow a pass down (default: ${DEFAULT-VALUE})")
  int bandwidthPasses = 20;

  @Option(names = "--threads", description = "scan threads (default: all cores)")
  int threads = Runtime.getRuntime().availableProcessors();

  // One PyTorch thread per query: a 10-token forward gains nothing from a second thread on this
  // 2-core machine (docs/search.md), and concurrent queries then do not fight over the cores.
  @Option(
      names = "--encoder-threads",
      description = "PyTorch threads per query encoding (default: ${DEFAULT-VALUE})")
  int encoderThreads = 1;

  @Option(
      names = "--int8",
      description =
          "time the searches on an int8 copy of fp32 index vectors (as --vectors int8 stores them)")
  boolean int8;

  @Override
  public Integer call() {
    Engines.configure(encoderThreads);
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      throw new IllegalArgumentException(
          "bench search needs the JVM started with --add-modules jdk.incubator.vector"
              + " (./d2llm does this)");
    }
    Path studentDir = DefaultStudents.resolve(model);
    String fingerprint = StudentFiles.fingerprint(studentDir);
    List<String> texts = BenchTexts.fromFile(queryFile, warmup + queries);
    if (texts.size() < warmup + queries) {
      System.err.printf(
          "bench: only %d texts in %s, timing %d queries%n",
          texts.size(), queryFile, texts.size() - warmup);
    }
    SearchIndex searchIndex = IndexReader.open(BenchIndex.resolve(index));
    SearchBenchmark.Options options =
        new SearchBenchmark.Options(
            warmup,
            concurrency,
            SearchMode.parse(mode),
            candidates,
            topK,
            threads,
            scanQueries,
            scanPasses,
            (long) (bandwidthGib * (1L << 30)),
            bandwidthPasses,
            int8);
    try (Student student = StudentFiles.load(studentDir, Device.cpu())) {
      SearchBenchmark.Report r =
          new SearchBenchmark(student, fingerprint, searchIndex, ScoringKernels.best(), System.out)
              .run(texts, options);
      SearchBenchmark.Latency first = r.latency().get(0);
      SearchBenchmark.Scan scanOne =
          r.scans().stream()
              .filter(s -> s.threads() == 1 && !s.encoding().equals("int8"))
              .findFirst()
              .orElseThrow();
      SearchBenchmark.Scan scanAll =
          r.scans().stream()
              .filter(s -> s.threads() == threads && !s.encoding().equals("int8"))
              .findFirst()
              .orElseThrow();
      SearchBenchmark.Peer peerOne = r.peers().get(0);
      System.out.printf(
          Locale.ROOT,
          "scan at memory bandwidth: %.0f%% on 1 thread (%.2f of %.2f GB/s), %.0f%% on %d"
              + " threads (%.2f of %.2f GB/s)%n",
          100 * scanOne.bytesPerSecond() / r.bandwidthOneThread(),
          scanOne.bytesPerSecond() / 1e9,
          r.bandwidthOneThread() / 1e9,
          100 * scanAll.bytesPerSecond() / r.bandwidthAllThreads(),
          threads,
          scanAll.bytesPerSecond() / 1e9,
          r.bandwidthAllThreads() / 1e9);
      for (SearchBenchmark.Peer p : r.peers()) {
        System.out.printf(
            Locale.ROOT,
            "vs Lucene (%s), %d thread(s): d2llm %.3f ms, Lucene %.3f ms, speedup %.2fx%n",
            r.luceneScorer(),
            p.threads(),
            p.oursMedianMs(),
            p.luceneMedianMs(),
            p.speedup());
      }
      System.out.printf(
          Locale.ROOT,
          "p50_ms=%.2f p99_ms=%.2f qps=%.1f speedup_vs_lucene=%.2f%n",
          first.p50Ms(),
          first.p99Ms(),
          first.qps(),
          peerOne.speedup());
    }
    return 0;
  }
}
