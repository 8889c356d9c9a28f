package dev.d2llm.index;

import dev.d2llm.store.LocalFiles;
import dev.d2llm.store.ObjectNotFoundException;
import dev.d2llm.store.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Index versions in an object store. Layout under the store's prefix: {@code
 * versions/<version>/<shard files>}, {@code versions/<version>/manifest.json} and {@code CURRENT}
 * (the current version's name). Publishing uploads the shards, then the manifest, then moves {@code
 * CURRENT}; a reader follows {@code CURRENT}, so it never sees a half-written version, and older
 * versions stay readable beside the new one.
 */
public final class IndexStore {

  /** The pointer object naming the current version. */
  public static final String CURRENT = "CURRENT";

  private static final int PARALLEL_DOWNLOADS = 4;

  private final ObjectStore store;

  public IndexStore(ObjectStore store) {
    this.store = store;
  }

  /** Uploads the finished version in {@code localDir} and makes it current; returns its name. */
  public String publish(Path localDir, Consumer<String> log) {
    IndexManifest m = IndexReader.manifest(localDir);
    for (ShardInfo s : m.shards()) {
      IndexReader.verify(localDir, s);
      store.put(key(m.version(), s.file()), localDir.resolve(s.file()));
      log.accept("uploaded " + s.file() + " (" + s.bytes() + " bytes)");
    }
    store.put(key(m.version(), IndexManifest.FILE), localDir.resolve(IndexManifest.FILE));
    store.putBytes(CURRENT, (m.version() + "\n").getBytes(StandardCharsets.UTF_8));
    log.accept("published version " + m.version() + " at " + store.uri());
    return m.version();
  }

  /** The current version's name. */
  public String currentVersion() {
    byte[] pointer;
    try {
      pointer = store.readBytes(CURRENT);
    } catch (ObjectNotFoundException e) {
      throw new IndexFormatException(
          "no index at "
              + store.uri()
              + ": "
              + CURRENT
              + " is missing"
              + " (build one with d2llm index build --out "
              + store.uri()
              + ")");
    }
    String version = new String(pointer, StandardCharsets.UTF_8).strip();
    if (version.isEmpty() || version.contains("/") || version.contains("..")) {
      throw new IndexFormatException(
          store.uri(CURRENT) + " holds no valid version name: '" + version + "'");
    }
    return version;
  }

  /** Every version in the store, oldest first (names sort by build time). */
  public List<String> versions() {
    return store.list("versions/").stream()
        .filter(k -> k.endsWith("/" + IndexManifest.FILE))
        .map(k -> k.substring("versions/".length(), k.length() - IndexManifest.FILE.length() - 1))
        .sorted()
        .toList();
  }

  /** The manifest of a version. */
  public IndexManifest manifest(String version) {
    String key = key(version, IndexManifest.FILE);
    try {
      return IndexManifest.parse(store.readBytes(key), store.uri(key).toString());
    } catch (ObjectNotFoundException e) {
      throw new IndexFormatException(
          "version "
              + version
              + " has no manifest at "
              + store.uri(key)
              + ": it is still being written or was never finished");
    }
  }

  /**
   * A local directory holding the version, ready for {@link IndexReader#open}: the store's own
   * directory when it keeps files locally, else {@code cacheDir/<version>}, where shards already
   * present with the right size are kept and the rest downloaded (the manifest last).
   */
  public Path localCopy(String version, Path cacheDir, Consumer<String> log) {
    Optional<Path> inPlace = store.localPath(key(version, IndexManifest.FILE));
    if (inPlace.isPresent()) {
      return inPlace.get().getParent();
    }
    IndexManifest m = manifest(version);
    Path dir = cacheDir.resolve(version);
    try {
      Files.createDirectories(dir);
      List<ShardInfo> missing = new ArrayList<>();
      for (ShardInfo s : m.shards()) {
        Path file = dir.resolve(s.file());
        if (!Files.isRegularFile(file) || Files.size(file) != s.bytes()) {
          missing.add(s);
        }
      }
      downloadAll(version, missing, dir, log);
      Files.write(dir.resolve(IndexManifest.FILE), m.toJson());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the index cache " + dir, e);
    }
    return dir;
  }

  /**
   * The current version, fetched and verified. A cached copy that fails verification is fetched
   * again once, in case the cache was damaged rather than the store.
   */
  public SearchIndex load(Path cacheDir, Consumer<String> log) {
    String version = currentVersion();
    Path dir = localCopy(version, cacheDir, log);
    try {
      return IndexReader.open(dir);
    } catch (IndexFormatException e) {
      if (!dir.startsWith(cacheDir)) {
        throw e;
      }
      log.accept(
          "cached copy of "
              + version
              + " failed verification ("
              + e.getMessage()
              + "); fetching again");
      LocalFiles.deleteTree(dir);
      return IndexReader.open(localCopy(version, cacheDir, log));
    }
  }

  /** Downloads shards a few at a time: one stream rarely fills the link to an object store. */
  private void downloadAll(String version, List<ShardInfo> shards, Path dir, Consumer<String> log) {
    if (shards.isEmpty()) {
      return;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.min(PARALLEL_DOWNLOADS, shards.size()));
    try {
      List<Future<?>> running = new ArrayList<>();
      for (ShardInfo s : shards) {
        running.add(
            pool.submit(
                () -> {
                  String key = key(version, s.file());
                  if (store.size(key).isEmpty()) {
                    throw new IndexFormatException("shard " + store.uri(key) + " is missing");
                  }
                  store.download(key, dir.resolve(s.file()));
                  log.accept("downloaded " + s.file() + " (" + s.bytes() + " bytes)");
                }));
      }
      for (Future<?> f : running) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while downloading " + store.uri(), e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("cannot download from " + store.uri(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Where this index lives. */
  public ObjectStore store() {
    return store;
  }

  private static String key(String version, String file) {
    return "versions/" + version + "/" + file;
  }
}
