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
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Loads the student and the index once at start-up and holds the {@link Searcher}. A failure
 * (corrupt shard, missing index, model mismatch) is logged in one line and kept as the reason the
 * function is not ready; nothing is served from an index that did not verify.
 */
@ApplicationScoped
public class SearchEngine {

  private static final Logger LOG = Logger.getLogger(SearchEngine.class);
  static final String DEMO_CORPUS = "dev/d2llm/function/demo-corpus.jsonl";

  private final FunctionConfig config;
  private volatile Student student;
  private volatile Searcher searcher;
  private volatile String studentFingerprint;
  private volatile String indexUri;
  private volatile String failure = "starting";
  private volatile double loadMs;

  SearchEngine(FunctionConfig config) {
    this.config = config;
  }

  void onStart(@Observes StartupEvent event) {
    long t0 = System.nanoTime();
    try {
      NativeExecutable.requireLibraryPaths();
      // Started before Quarkus booted (FunctionMain); here only if it was not, as in tests and on Lambda.
      CompletableFuture<Void> natives = StartupPreload.natives();
      CompletableFuture<StartupPreload.Kernels> kernels = StartupPreload.kernels();
      Path cache = Path.of(config.index().cacheDir());
      CompletableFuture<SearchIndex> fetched = null;
      if (config.index().uri().isPresent()) {
        // The index download and checks need no model: run them while the student loads.
        indexUri = config.index().uri().get();
        fetched = StartupPreload.onThread("index-fetch", () -> fetch(indexUri, cache));
      }
      Path studentDir = DefaultStudents.resolve(config.model().reference());
      // The fingerprint (a hash of the student's files) is only needed to match the index: beside the load.
      CompletableFuture<String> fingerprint = StartupPreload.onThread("student-fingerprint",
          () -> StudentFiles.fingerprint(studentDir));
      StartupPreload.join(natives);
      long t1 = System.nanoTime();
      student = StudentFiles.load(studentDir, Device.cpu());
      if (NativeExecutable.rowKernel()) {
        student.freezeForServing();
      }
      studentFingerprint = StartupPreload.join(fingerprint);
      long t2 = System.nanoTime();
      if (fetched == null) {
        indexUri = demoIndex(cache).toString();
        fetched = CompletableFuture.completedFuture(fetch(indexUri, cache));
      }
      SearchIndex index = StartupPreload.join(fetched);
      StartupPreload.Kernels k = StartupPreload.join(kernels);
      long t3 = System.nanoTime();
      int threads = config.search().threads() > 0 ? config.search().threads() : Runtime.getRuntime().availableProcessors();
      searcher = new Searcher(student, studentFingerprint, index, k.scan(), threads);
      warmUp();
      long t4 = System.nanoTime();
      loadMs = (t4 - t0) / 1e6;
      failure = null;
      LOG.infof("serving index %s version %s: %d passages, model %s, scan kernel %s, ready in %.0f ms"
          + " (native libraries %.0f, student load %.0f, then waiting for the index %.0f, warm-up %.0f)", indexUri,
          index.manifest().version(), index.count(), config.model().reference(), searcher.kernel().name(), loadMs,
          ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t4 - t3));
    } catch (IndexFormatException e) {
      refuse("index " + indexUri + " refused: " + e.getMessage());
    } catch (RuntimeException e) {
      refuse("cannot start serving (" + e.getClass().getSimpleName() + "): " + e.getMessage());
    }
  }

  private SearchIndex fetch(String uri, Path cache) {
    long t0 = System.nanoTime();
    try (ObjectStore store = ObjectStores.open(uri, s3Settings())) {
      SearchIndex index = new IndexStore(store).load(cache.resolve("indexes"), LOG::debug);
      LOG.infof("index %s version %s fetched and verified in %.0f ms", uri, index.manifest().version(),
          ms(System.nanoTime() - t0));
      return index;
    }
  }

  /** One search before readiness, so the first user does not pay for PyTorch's and the JIT's first pass. */
  private void warmUp() {
    searcher.search(new dev.d2llm.search.SearchQuery("warm-up query", 1, dev.d2llm.student.Branch.ASYMMETRIC,
        dev.d2llm.search.SearchMode.TWO_STAGE, 1));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private S3Settings s3Settings() {
    S3Settings env = S3Settings.fromEnvironment();
    String region = config.s3().region().orElse(env.region());
    return config.s3().endpoint().map(e -> S3Settings.endpoint(java.net.URI.create(e), region))
        .orElseGet(() -> new S3Settings(env.endpoint(), region, env.pathStyle()));
  }

  private void refuse(String reason) {
    failure = reason;
    LOG.error(reason + " — readiness stays DOWN and search answers 503");
  }

  /**
   * The demo index, built from the bundled corpus into {@code file://<cache>/demo-index/} on first
   * start, and rebuilt when the model changed since.
   */
  private java.net.URI demoIndex(Path cache) {
    Path root = cache.resolve("demo-index");
    try (ObjectStore store = ObjectStores.open(root.toUri().toString())) {
      IndexStore index = new IndexStore(store);
      if (store.exists(IndexStore.CURRENT)
          && index.manifest(index.currentVersion()).model().sha256().equals(studentFingerprint)) {
        return store.uri();
      }
      LOG.infof("indexing the bundled demo corpus into %s", store.uri());
      Path corpus = cache.resolve("demo-corpus.jsonl");
      Files.createDirectories(cache);
      try (InputStream in = SearchEngine.class.getClassLoader().getResourceAsStream(DEMO_CORPUS)) {
        if (in == null) {
          throw new IllegalStateException(DEMO_CORPUS + " is missing from this build");
        }
        Files.copy(in, corpus, StandardCopyOption.REPLACE_EXISTING);
      }
      ModelIdentity identity = new ModelIdentity(config.model().reference(), student.config().baseModel(),
          studentFingerprint);
      IndexManifest m = new IndexBuilder(student, identity, VectorEncoding.FP32, VectorEncoding.FP32,
          IndexWriter.DEFAULT_ROWS_PER_SHARD).publish(CorpusFiles.read(corpus), index, n -> {});
      LOG.infof("demo index version %s: %d passages", m.version(), m.count());
      return store.uri();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build the demo index under " + root, e);
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    if (searcher != null) {
      searcher.close();
    }
    if (student != null) {
      student.close();
    }
  }

  /** The searcher, or a {@link NotReadyException} saying why there is none. */
  public Searcher searcher() {
    Searcher s = searcher;
    if (s == null) {
      throw new NotReadyException(failure);
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
