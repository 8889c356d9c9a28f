package dev.d2llm.cli;

import ai.djl.Device;
import dev.d2llm.index.IndexStore;
import dev.d2llm.index.SearchIndex;
import dev.d2llm.search.ScoringKernels;
import dev.d2llm.search.SearchHit;
import dev.d2llm.search.SearchMode;
import dev.d2llm.search.SearchQuery;
import dev.d2llm.search.SearchResult;
import dev.d2llm.search.Searcher;
import dev.d2llm.store.ObjectStore;
import dev.d2llm.store.ObjectStores;
import dev.d2llm.student.Branch;
import dev.d2llm.student.DefaultStudents;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentFiles;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code d2llm search}: one query against an index, from the command line. */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description =
        "Encodes a query with the index's student and ranks the index's passages with the IEM:"
            + " two-stage (cosine candidates, IEM re-rank) or exact (IEM over every passage).")
public class SearchCommand implements Callable<Integer> {

  @Option(
      names = "--index",
      required = true,
      description = "index location: file:///dir/, a local path, or s3://bucket/prefix/")
  String index;

  @Option(names = "--query", required = true, description = "the query text")
  String query;

  @Option(names = "--top-k", description = "hits to print (default: ${DEFAULT-VALUE})")
  int topK = 10;

  @Option(
      names = "--task",
      description = "IEM branch: asym (query-passage search) or sym (default: ${DEFAULT-VALUE})")
  String task = "asym";

  @Option(names = "--mode", description = "two-stage or exact (default: ${DEFAULT-VALUE})")
  String mode = "two-stage";

  @Option(
      names = "--candidates",
      description =
          "cosine candidates the IEM re-ranks in two-stage mode (default: ${DEFAULT-VALUE})")
  int candidates = SearchQuery.DEFAULT_CANDIDATES;

  @Option(
      names = "--model",
      description = "student directory or 'default' (default: the model the index names)")
  String model;

  @Option(
      names = "--cache",
      description = "where remote indexes are cached (default: ${DEFAULT-VALUE})")
  Path cache = Path.of(System.getProperty("user.home"), ".cache", "d2llm", "indexes");

  @Option(names = "--threads", description = "CPU threads (default: all cores)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Override
  public Integer call() {
    Engines.configure(threads);
    // Check the options before anything loads, so a typo costs nothing.
    SearchQuery q =
        new SearchQuery(
            query, topK, Branch.parse(task), SearchMode.parse(mode), Math.max(candidates, topK));
    try (ObjectStore store = ObjectStores.open(index)) {
      SearchIndex loaded = new IndexStore(store).load(cache, System.err::println);
      Path studentDir =
          DefaultStudents.resolve(model != null ? model : loaded.manifest().model().reference());
      try (Student student = StudentFiles.load(studentDir, Device.cpu());
          Searcher searcher =
              new Searcher(
                  student,
                  StudentFiles.fingerprint(studentDir),
                  loaded,
                  ScoringKernels.best(),
                  threads)) {
        SearchResult r = searcher.search(q);
        int rank = 1;
        for (SearchHit h : r.hits()) {
          System.out.printf(
              Locale.ROOT,
              "%2d. %.4f  %s  %s%n",
              rank++,
              h.score(),
              h.id(),
              abbreviate(h.text(), 100));
        }
        SearchResult.Timings t = r.timings();
        System.out.printf(
            Locale.ROOT,
            "mode=%s candidates=%d encode_ms=%.1f scan_ms=%.1f iem_ms=%.1f total_ms=%.1f%n",
            r.mode().label(),
            r.candidates(),
            t.encodeMs(),
            t.scanMs(),
            t.iemMs(),
            t.totalMs());
      }
    }
    return 0;
  }

  private static String abbreviate(String s, int max) {
    String one = s.replace('\n', ' ');
    return one.length() <= max ? one : one.substring(0, max - 1) + "…";
  }
}
