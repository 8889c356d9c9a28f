package dev.d2llm.job;

import dev.d2llm.store.ObjectStore;
import dev.d2llm.store.ObjectStores;
import dev.d2llm.store.S3Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reaches the places a job names: local files as they are, S3 objects through one store per bucket,
 * copied to and from a local staging directory.
 */
public final class Places implements AutoCloseable {

  private final S3Settings settings;
  private final Map<String, ObjectStore> buckets = new LinkedHashMap<>();

  /** Places reached with {@code settings} for S3 (null: from the environment). */
  public Places(S3Settings settings) {
    this.settings = settings;
  }

  /** The size of the remote object at {@code place}, 0 when there is none. */
  public long size(Location place) {
    return place.key().isEmpty() ? 0 : bucket(place.bucket()).size(place.key()).orElse(0);
  }

  /** Whether {@code place} holds a file, or a directory with something in it. */
  public boolean exists(Location place) {
    if (!place.remote()) {
      return Files.exists(place.path());
    }
    ObjectStore store = bucket(place.bucket());
    return !place.key().isEmpty() && store.exists(place.key())
        || !objects(store, prefix(place)).isEmpty();
  }

  /**
   * The text of the file or object at {@code place}.
   *
   * @throws IllegalArgumentException when nothing is there
   */
  public String readText(Location place) {
    try {
      byte[] bytes =
          place.remote()
              ? bucket(place.bucket()).readBytes(place.key())
              : Files.readAllBytes(place.path());
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    } catch (dev.d2llm.store.ObjectNotFoundException | java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException(place + " does not exist");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + place, e);
    }
  }

  /**
   * The store rooted at a directory-like {@code place}: where a job keeps its state, logs and
   * report.
   */
  public ObjectStore storeAt(Location place) {
    return place.remote()
        ? bucket(place.bucket()).child(place.key().isEmpty() ? "" : place.key() + "/")
        : ObjectStores.open(place.path().toString());
  }

  /**
   * Copies the remote {@code place} (one object, or every object under it as a directory) to {@code
   * target}; returns false when nothing is there.
   */
  public boolean download(Location place, Path target) {
    ObjectStore store = bucket(place.bucket());
    if (!place.key().isEmpty() && store.exists(place.key())) {
      store.download(place.key(), target);
      return true;
    }
    String prefix = prefix(place);
    List<String> keys = objects(store, prefix);
    for (String key : keys) {
      store.download(key, target.resolve(key.substring(prefix.length())));
    }
    return !keys.isEmpty();
  }

  /**
   * Copies the local file or directory {@code source} to the remote {@code place}; for a directory,
   * objects under {@code place} that {@code source} no longer has are removed, so the place mirrors
   * it.
   */
  public void upload(Path source, Location place) {
    ObjectStore store = bucket(place.bucket());
    if (Files.isRegularFile(source)) {
      store.put(place.key(), source);
      return;
    }
    String prefix = prefix(place);
    Set<String> written = new HashSet<>();
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        String key = prefix + source.relativize(file).toString().replace('\\', '/');
        store.put(key, file);
        written.add(key);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot upload " + source + " to " + place, e);
    }
    List<String> stale = new ArrayList<>(objects(store, prefix));
    stale.removeAll(written);
    stale.forEach(store::delete);
  }

  /** The objects under {@code prefix}, without the empty "folder" markers some S3 tools create. */
  private static List<String> objects(ObjectStore store, String prefix) {
    return store.list(prefix).stream().filter(key -> !key.endsWith("/")).toList();
  }

  private static String prefix(Location place) {
    return place.key().isEmpty() ? "" : place.key() + "/";
  }

  private ObjectStore bucket(String bucket) {
    return buckets.computeIfAbsent(bucket, b -> ObjectStores.open("s3://" + b + "/", settings));
  }

  @Override
  public void close() {
    buckets.values().forEach(ObjectStore::close);
    buckets.clear();
  }
}
