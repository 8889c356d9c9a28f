package dev.d2llm.function;

import ai.djl.Device;
import dev.d2llm.data.CorpusFiles;
import dev.d2llm.index.IndexBuilder;
import dev.d2llm.index.IndexFormatException;
import dev.d2llm.index.IndexManifest;
import dev.d2llm.index.IndexStore;
import dev.d2llm.index.IndexWriter;
import dev.d2llm.index.ModelIdentity;
import dev.d2llm.index.SearchIndex;
import dev.d2llm.index.VectorEncoding;
import dev.d2llm.search.Searcher;
import dev.d2llm.store.LocalFiles;
import dev.d2llm.store.ObjectStore;
import dev.d2llm.store.ObjectStores;
import dev.d2llm.store.S3Settings;
import dev.d2llm.student.DefaultStudents;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentFiles;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Loads the student and the index in the background and holds the {@link Searcher}: the HTTP port
 * and liveness answer at once, {@code embed} and {@code score} as soon as the student is loaded,
 * and search once an index has loaded and verified. An index that cannot be loaded (store
 * unreachable, not published yet, corrupt, built by another model) is retried with a doubling delay
 * until one loads; each failure is logged in one line naming the index URI and the endpoint, and
 * kept as the reason the function is not ready. Nothing is served from an index that did not
 * verify.
 */
@ApplicationScoped
public class SearchEngine {

  private static final Logger LOG = Logger.getLogger(SearchEngine.class);
  static final String DEMO_CORPUS = "dev/d2llm/function/demo-corpus.jsonl";

  /**
   * How long a demo index version that is not current must have been left alone before it is
   * removed.
   */
  static final Duration ORPHAN_AGE = Duration.ofMinutes(10);

  private final ModelWork work;
  private final FunctionConfig config;
  private volatile Student student;
  private volatile Searcher searcher;
  private volatile String studentFingerprint;
  private volatile String indexUri;
  private volatile String failure = "starting";
  private volatile double loadMs;
  private volatile boolean stopping;
  private double warmUpMs;

  SearchEngine(FunctionConfig config, ModelWork work) {
    this.config = config;
    this.work = work;
  }

  void onStart(@Observes StartupEvent event) {
    StartupPreload.onThread(
        "search-engine-start",
        () -> {
          start();
          return null;
        });
  }

  private void start() {
    long t0 = System.nanoTime();
    Path cache = Path.of(config.index().cacheDir());
    CompletableFuture<SearchIndex> firstFetch = null;
    try {
      NativeExecutable.requireLibraryPaths();
      // Started before Quarkus booted (FunctionMain); here only if it was not, as in tests and on
      // Lambda.
      CompletableFuture<Void> natives = StartupPreload.natives();
      CompletableFuture<StartupPreload.Kernels> kernels = StartupPreload.kernels();
      if (config.index().uri().isPresent()) {
        // The index download and checks need no model: the first attempt runs while the student
        // loads.
        indexUri = config.index().uri().get();
        firstFetch = StartupPreload.onThread("index-fetch", () -> fetch(indexUri, cache));
        firstFetch.exceptionally(
            e -> null); // its failure is handled (and logged) by the retry loop
      }
      Path studentDir = DefaultStudents.resolve(config.model().reference());
      // The fingerprint (a hash of the student's files) is only needed to match the index: beside
      // the load.
      CompletableFuture<String> fingerprint =
          StartupPreload.onThread(
              "student-fingerprint", () -> StudentFiles.fingerprint(studentDir));
      StartupPreload.join(natives);
      long t1 = System.nanoTime();
      Student loaded = StudentFiles.load(studentDir, Device.cpu());
      if (NativeExecutable.rowKernel()) {
        loaded.freezeForServing();
      }
      studentFingerprint = StartupPreload.join(fingerprint);
      student = loaded;
      failure = "loading the index";
      long t2 = System.nanoTime();
      StartupPreload.Kernels k = StartupPreload.join(kernels);
      SearchIndex index = loadIndex(cache, firstFetch, k);
      long t3 = System.nanoTime();
      loadMs = (t3 - t0) / 1e6;
      failure = null;
      LOG.infof(
          "serving index %s version %s: %d passages, model %s, scan kernel %s, ready in %.0f ms"
              + " (native libraries %.0f, student load %.0f, then waiting for the index %.0f, warm-up %.0f)",
          indexUri,
          index.manifest().version(),
          index.count(),
          config.model().reference(),
          searcher.kernel().name(),
          loadMs,
          ms(t1 - t0),
          ms(t2 - t1),
          ms(t3 - t2) - warmUpMs,
          warmUpMs);
    } catch (RuntimeException e) {
      if (!stopping) {
        failure = "cannot start serving (" + e.getClass().getSimpleName() + "): " + e.getMessage();
        LOG.error(failure + " — readiness stays DOWN and every function answers 503");
      }
    }
  }

  /**
   * The index, tried until one loads, verifies and matches the student: the first attempt is {@code
   * firstFetch} when there is one.
   */
  private SearchIndex loadIndex(
      Path cache, CompletableFuture<SearchIndex> firstFetch, StartupPreload.Kernels k) {
    long delay = config.index().retryInitialDelay().toMillis();
    for (int attempt = 1; ; attempt++) {
      try {
        SearchIndex index;
        if (config.index().uri().isPresent()) {
          index =
              attempt == 1 && firstFetch != null
                  ? StartupPreload.join(firstFetch)
                  : fetch(indexUri, cache);
        } else {
          index = demoIndex(cache);
        }
        int threads =
            config.search().threads() > 0
                ? config.search().threads()
                : Runtime.getRuntime().availableProcessors();
        Searcher s = new Searcher(student, studentFingerprint, index, k.scan(), threads);
        try {
          long w0 = System.nanoTime();
          warmUp(s);
          warmUpMs = ms(System.nanoTime() - w0);
        } catch (RuntimeException e) {
          s.close();
          throw e;
        }
        searcher = s;
        return index;
      } catch (RuntimeException e) {
        if (stopping) {
          throw e;
        }
        String verb = e instanceof IndexFormatException ? "refused" : "not loaded";
        failure =
            "index "
                + indexUri
                + where()
                + " "
                + verb
                + " ("
                + e.getClass().getSimpleName()
                + "): "
                + e.getMessage();
        LOG.warnf("%s; attempt %d, next in %d ms", failure, attempt, delay);
        sleep(delay);
        delay = Math.min(delay * 2, config.index().retryMaxDelay().toMillis());
      }
    }
  }

  /**
   * The S3 endpoint an {@code s3://} index is read through, for log lines; empty for other stores.
   */
  private String where() {
    if (indexUri == null || !indexUri.startsWith("s3://")) {
      return "";
    }
    S3Settings s = s3Settings();
    return " (endpoint "
        + s.endpoint().map(Object::toString).orElse("AWS S3, region " + s.region())
        + ")";
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to retry the index", e);
    }
  }

  private SearchIndex fetch(String uri, Path cache) {
    long t0 = System.nanoTime();
    try (IndexStores.Opened store = IndexStores.open(uri, s3Settings(), config.index())) {
      SearchIndex index = new IndexStore(store.store()).load(cache.resolve("indexes"), LOG::debug);
      LOG.infof(
          "index %s version %s fetched and verified in %.0f ms",
          uri, index.manifest().version(), ms(System.nanoTime() - t0));
      return index;
    }
  }

  /**
   * One search before readiness, so the first user does not pay for PyTorch's and the JIT's first
   * pass.
   */
  private static void warmUp(Searcher searcher) {
    searcher.search(
        new dev.d2llm.search.SearchQuery(
            "warm-up query",
            1,
            dev.d2llm.student.Branch.ASYMMETRIC,
            dev.d2llm.search.SearchMode.TWO_STAGE,
            1));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private S3Settings s3Settings() {
    S3Settings env = S3Settings.fromEnvironment();
    String region = config.s3().region().orElse(env.region());
    return config
        .s3()
        .endpoint()
        .map(e -> S3Settings.endpoint(java.net.URI.create(e), region))
        .orElseGet(() -> new S3Settings(env.endpoint(), region, env.pathStyle()));
  }

  /**
   * The demo index, built from the bundled corpus into {@code file://<cache>/demo-index/} on first
   * start, rebuilt when the model changed since or when it does not load (a damaged shard, an
   * unreadable manifest), then loaded. Version folders other than the current one, left by
   * interrupted builds, are removed: nothing but this function writes there.
   */
  private SearchIndex demoIndex(Path cache) {
    Path root = cache.resolve("demo-index");
    try {
      return demoIndex(root, cache);
    } catch (RuntimeException e) {
      LOG.warnf(
          "the demo index under %s does not load (%s: %s); rebuilding it",
          root, e.getClass().getSimpleName(), e.getMessage());
      LocalFiles.deleteTree(root);
      return demoIndex(root, cache);
    }
  }

  private SearchIndex demoIndex(Path root, Path cache) {
    try (ObjectStore store = ObjectStores.open(root.toString())) {
      indexUri = store.uri().toString();
      IndexStore index = new IndexStore(store);
      String version;
      if (store.exists(IndexStore.CURRENT)
          && index.manifest(index.currentVersion()).model().sha256().equals(studentFingerprint)) {
        version = index.currentVersion();
      } else {
        version = buildDemoIndex(cache, index).version();
      }
      removeOrphanVersions(root.resolve("versions"), version);
    }
    return fetch(indexUri, cache);
  }

  private IndexManifest buildDemoIndex(Path cache, IndexStore index) {
    LOG.infof("indexing the bundled demo corpus into %s", index.store().uri());
    try {
      Path corpus = cache.resolve("demo-corpus.jsonl");
      Files.createDirectories(cache);
      try (InputStream in = SearchEngine.class.getClassLoader().getResourceAsStream(DEMO_CORPUS)) {
        if (in == null) {
          throw new IllegalStateException(DEMO_CORPUS + " is missing from this build");
        }
        Files.copy(in, corpus, StandardCopyOption.REPLACE_EXISTING);
      }
      ModelIdentity identity =
          new ModelIdentity(
              config.model().reference(), student.config().baseModel(), studentFingerprint);
      IndexManifest m =
          new IndexBuilder(
                  student,
                  identity,
                  VectorEncoding.FP32,
                  VectorEncoding.FP32,
                  IndexWriter.DEFAULT_ROWS_PER_SHARD)
              .publish(CorpusFiles.read(corpus), index, n -> {});
      LOG.infof("demo index version %s: %d passages", m.version(), m.count());
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build the demo index under " + index.store().uri(), e);
    }
  }

  /**
   * Removes version folders other than {@code current} that nothing has written to for {@link
   * #ORPHAN_AGE}: a build still under way (another function process sharing the cache) is younger.
   */
  private static void removeOrphanVersions(Path versions, String current) {
    if (!Files.isDirectory(versions)) {
      return;
    }
    FileTime cutoff = FileTime.from(Instant.now().minus(ORPHAN_AGE));
    try (var dirs = Files.list(versions)) {
      for (Path dir : dirs.filter(d -> !d.getFileName().toString().equals(current)).toList()) {
        if (Files.getLastModifiedTime(dir).compareTo(cutoff) < 0) {
          LOG.infof(
              "removing %s, a demo index version that is not current (an interrupted build)", dir);
          LocalFiles.deleteTree(dir);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.warnf("cannot clean old demo index versions under %s: %s", versions, e.getMessage());
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    stopping = true;
    if (!work.drained()) {
      // A forward pass or scan still running would read freed memory; the process exit frees it.
      LOG.warn("model work still running at shutdown; the student and index stay open until exit");
      return;
    }
    if (searcher != null) {
      searcher.close();
    }
    if (student != null) {
      student.close();
    }
  }

  /**
   * The student, or a {@link RejectedRequest#notReady} (503) while it is still loading (or failed
   * to).
   */
  public Student student() {
    Student s = student;
    if (s == null) {
      throw RejectedRequest.notReady(failure);
    }
    return s;
  }

  /** The searcher, or a {@link RejectedRequest#notReady} (503) saying why there is none. */
  public Searcher searcher() {
    Searcher s = searcher;
    if (s == null) {
      throw RejectedRequest.notReady(failure);
    }
    return s;
  }

  /** Why the function is not serving, or null when it is. */
  public String failure() {
    return failure;
  }

  public String indexUri() {
    return indexUri;
  }

  public String studentFingerprint() {
    return studentFingerprint;
  }

  public double loadMs() {
    return loadMs;
  }
}
