package dev.d2llm.cli;

import ai.djl.Device;
import dev.d2llm.bench.BenchIndex;
import dev.d2llm.bench.BenchTexts;
import dev.d2llm.bench.RecallBenchmark;
import dev.d2llm.data.BeirFiles;
import dev.d2llm.data.RetrievalQuery;
import dev.d2llm.data.RetrievalSet;
import dev.d2llm.index.IndexReader;
import dev.d2llm.index.SearchIndex;
import dev.d2llm.search.ScoringKernels;
import dev.d2llm.search.Searcher;
import dev.d2llm.student.Branch;
import dev.d2llm.student.DefaultStudents;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code d2llm bench recall}: two-stage recall@k against the exact IEM scan, per number of
 * candidates.
 */
@Command(
    name = "recall",
    mixinStandardHelpOptions = true,
    description =
        "For each number of cosine candidates, the recall@k of two-stage search against the IEM"
            + " scoring every passage (the exact D2LLM ranking), and the latency of each, query encoding included."
            + " Last line: candidates=<smallest setting reaching --target> recall@<k>=<v> p50_ms=<v>.")
public class BenchRecallCommand implements Callable<Integer> {

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
      names = "--queries",
      description = "query texts: pair file, queries.jsonl or lines; repeatable")
  List<Path> queryFiles = List.of();

  @Option(
      names = "--judged",
      description =
          "BEIR folder whose judged queries are used (after --queries), with nDCG@k"
              + " from its qrels/test.tsv; the index must hold its corpus ids")
  Path judged;

  @Option(
      names = "--count",
      description = "queries at most, taken in file order (default: ${DEFAULT-VALUE})")
  int count = 200;

  @Option(
      names = "--candidates",
      split = ",",
      description = "settings to measure (default: ${DEFAULT-VALUE})")
  List<Integer> candidates = List.of(10, 20, 50, 100, 200, 500, 1000);

  @Option(names = "--k", description = "recall@k (default: ${DEFAULT-VALUE})")
  int k = 10;

  @Option(names = "--branch", description = "IEM branch: asym or sym (default: ${DEFAULT-VALUE})")
  String branch = "asym";

  @Option(
      names = "--target",
      description = "recall the chosen setting must reach (default: ${DEFAULT-VALUE})")
  double target = 0.95;

  @Option(names = "--threads", description = "scan and encoder threads (default: all cores)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Override
  public Integer call() {
    Engines.configure(threads);
    Path studentDir = DefaultStudents.resolve(model);
    String fingerprint = StudentFiles.fingerprint(studentDir);
    Set<String> texts = new LinkedHashSet<>();
    for (Path f : queryFiles) {
      texts.addAll(BenchTexts.fromFile(f, count - texts.size()));
    }
    List<String> queries = new ArrayList<>(texts);
    List<Map<String, Integer>> judgements = null;
    if (judged != null) {
      if (!queries.isEmpty()) {
        throw new IllegalArgumentException(
            "--judged takes its queries from the BEIR folder; drop --queries");
      }
      RetrievalSet set = BeirFiles.read(judged);
      judgements = new ArrayList<>();
      for (RetrievalQuery q :
          set.judgedQueries().subList(0, Math.min(count, set.judgedQueries().size()))) {
        queries.add(q.text());
        judgements.add(set.qrels().forQuery(q.id()));
      }
    }
    if (queries.isEmpty()) {
      throw new IllegalArgumentException("no queries: give --queries FILE or --judged DIR");
    }
    SearchIndex searchIndex = IndexReader.open(BenchIndex.resolve(index));
    try (Student student = StudentFiles.load(studentDir, Device.cpu())) {
      student.freezeForServing(); // served as the search function serves it, so latencies compare
      try (Searcher searcher =
              new Searcher(student, fingerprint, searchIndex, ScoringKernels.best(), threads);
          ProgressBar bar = Bars.of("recall", queries.size(), " queries")) {
        RecallBenchmark.Report r =
            new RecallBenchmark(searcher, System.out)
                .run(queries, judgements, candidates, k, Branch.parse(branch), bar::stepBy);
        RecallBenchmark.Row chosen =
            r.smallestReaching(target).orElse(r.rows().get(r.rows().size() - 1));
        System.out.printf(
            Locale.ROOT,
            "candidates=%d recall@%d=%.4f p50_ms=%.2f%s%n",
            chosen.candidates(),
            r.k(),
            chosen.recall(),
            chosen.p50Ms(),
            chosen.recall() >= target ? "" : " (no setting reached " + target + ")");
      }
    }
    return 0;
  }
}
