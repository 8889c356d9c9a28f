package dev.d2llm.function;

import dev.d2llm.embedding.TextRole;
import dev.d2llm.index.IndexManifest;
import dev.d2llm.search.SearchMode;
import dev.d2llm.search.SearchQuery;
import dev.d2llm.search.SearchResult;
import dev.d2llm.search.Searcher;
import dev.d2llm.student.Branch;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.funqy.Funq;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Validator;
import java.util.List;

/**
 * The functions: each validates its request, calls the core through {@link SearchEngine} and shapes
 * the answer. Over HTTP, {@link FunctionRoutes} reads the requests and runs them.
 */
@ApplicationScoped
public class SearchFunctions {

  private final SearchEngine engine;
  private final FunctionConfig config;
  private final Validator validator;
  private final Timer searchTimer;

  SearchFunctions(
      SearchEngine engine, FunctionConfig config, Validator validator, MeterRegistry registry) {
    this.engine = engine;
    this.config = config;
    this.validator = validator;
    this.searchTimer =
        Timer.builder("d2llm.search")
            .description("search latency, query encoding included")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  /** Ranked passages for a query. */
  @Funq("search")
  public SearchResponse search(SearchRequest request) {
    SearchRequest r = Requests.valid(validator, request, "search");
    Searcher searcher = engine.searcher();
    int topK = r.topK() == null ? 10 : r.topK();
    SearchMode mode = SearchMode.parse(r.mode() == null ? config.search().mode() : r.mode());
    int candidates =
        r.candidates() != null
            ? r.candidates()
            : config.search().candidates().orElse(SearchQuery.DEFAULT_CANDIDATES);
    SearchQuery query =
        new SearchQuery(r.query(), topK, branch(r.task()), mode, Math.max(candidates, topK));
    SearchResult result = searchTimer.record(() -> searcher.search(query));
    return SearchResponse.of(result, searcher.index().manifest().version());
  }

  /** Student vectors of texts; needs the student only, not the index. */
  @Funq("embed")
  public EmbedResponse embed(EmbedRequest request) {
    EmbedRequest r = Requests.valid(validator, request, "embed");
    float[][] vectors = engine.student().embed(r.texts(), TextRole.PASSAGE);
    return new EmbedResponse(List.of(vectors), vectors.length == 0 ? 0 : vectors[0].length);
  }

  /** IEM relevance probabilities of passages for a query, without an index (re-ranking). */
  @Funq("score")
  public ScoreResponse score(ScoreRequest request) {
    ScoreRequest r = Requests.valid(validator, request, "score");
    float[] scores = engine.student().relevance(r.query(), r.passages(), branch(r.task()));
    return new ScoreResponse(scores);
  }

  /** What this deployment serves. */
  @Funq("info")
  public InfoResponse info() {
    String failure = engine.failure();
    if (failure != null) {
      return new InfoResponse(
          "d2llm",
          "not ready: " + failure,
          config.model().reference(),
          engine.studentFingerprint(),
          engine.indexUri(),
          null,
          0,
          0,
          null,
          null);
    }
    Searcher s = engine.searcher();
    IndexManifest m = s.index().manifest();
    return new InfoResponse(
        "d2llm",
        "ready",
        config.model().reference(),
        engine.studentFingerprint(),
        engine.indexUri(),
        m.version(),
        m.count(),
        m.dimension(),
        m.vectorEncoding().label(),
        s.kernel().name());
  }

  private Branch branch(String task) {
    return Branch.parse(task == null ? config.search().task() : task);
  }

  /** {@code search}'s answer. */
  public record SearchResponse(
      List<Hit> hits,
      String indexVersion,
      String mode,
      int candidates,
      SearchResult.Timings timings) {
    static SearchResponse of(SearchResult r, String version) {
      List<Hit> hits = r.hits().stream().map(h -> new Hit(h.id(), h.score(), h.text())).toList();
      return new SearchResponse(hits, version, r.mode().label(), r.candidates(), r.timings());
    }
  }

  /** One hit: id, IEM relevance probability, text. */
  public record Hit(String id, double score, String text) {}

  /** {@code embed}'s answer. */
  public record EmbedResponse(List<float[]> vectors, int dimension) {}

  /** {@code score}'s answer: one probability per passage, in request order. */
  public record ScoreResponse(float[] scores) {}

  /** {@code info}'s answer. */
  public record InfoResponse(
      String service,
      String status,
      String model,
      String modelSha256,
      String index,
      String indexVersion,
      long passages,
      int dimension,
      String vectorEncoding,
      String scanKernel) {}
}
