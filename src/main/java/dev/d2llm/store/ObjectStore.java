package dev.d2llm.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A flat store of whole objects under '/'-separated keys: a local directory or an S3 bucket prefix.
 * Every write replaces a whole object at once, so a reader sees the old content or the new, never a
 * part; the index relies on this to publish shards, then the manifest, then a pointer.
 *
 * <p>Keys are relative: not empty, no leading '/', no empty, '.' or '..' segments, no backslashes,
 * and no segment starting with {@code .tmp-} (reserved for writes in progress); a bad key fails
 * with an {@link IllegalArgumentException} that names it. Failures of the medium surface as
 * unchecked exceptions ({@link UncheckedIOException} for files, the SDK's exceptions for S3).
 */
public interface ObjectStore extends AutoCloseable {

  /**
   * Uploads the local file {@code source} as {@code key}, streaming it rather than loading it
   * whole.
   */
  void put(String key, Path source);

  /** Stores {@code content} as {@code key}. */
  void putBytes(String key, byte[] content);

  /**
   * Opens {@code key} for reading; the caller closes the stream.
   *
   * @throws ObjectNotFoundException when no object has that key
   */
  InputStream open(String key);

  /**
   * The whole content of {@code key}, for small objects such as manifests.
   *
   * @throws ObjectNotFoundException when no object has that key
   */
  default byte[] readBytes(String key) {
    try (InputStream in = open(key)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + uri(key), e);
    }
  }

  /**
   * Downloads {@code key} to the local file {@code target}, creating its directory and replacing an
   * existing file. The bytes go to a temporary file beside {@code target} that is renamed at the
   * end, so a failure or a crash never leaves a partial file at {@code target}.
   *
   * @throws ObjectNotFoundException when no object has that key; {@code target} is then untouched
   */
  default void download(String key, Path target) {
    try (InputStream in = open(key)) {
      AtomicFiles.write(target, in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot download " + uri(key) + " to " + target, e);
    }
  }

  /** Whether an object has the key {@code key}. */
  boolean exists(String key);

  /** The size in bytes of {@code key}, or empty when no object has that key. */
  OptionalLong size(String key);

  /**
   * Every key that starts with {@code prefix} (plain string prefix; "" lists the whole store), in
   * ascending {@link String} order, however many pages the medium needs to list them.
   */
  List<String> list(String prefix);

  /** Removes {@code key}; removing a key that holds no object is not an error. */
  void delete(String key);

  /**
   * Where this store is, ending in '/': {@code file:///abs/dir/} or {@code s3://bucket/prefix/}.
   */
  URI uri();

  /**
   * Where {@code key} is: {@link #uri()} followed by the key, percent-encoded where a URI needs it.
   */
  default URI uri(String key) {
    return ObjectKeys.resolve(uri(), ObjectKeys.check(key));
  }

  /**
   * The local file that holds {@code key} when this store keeps its objects as local files (whether
   * or not the object exists), so that readers can memory-map it in place; empty for remote stores.
   */
  default Optional<Path> localPath(String key) {
    ObjectKeys.check(key);
    return Optional.empty();
  }

  /**
   * A view of the objects under {@code prefix} (e.g. {@code versions/3/}) as a store of its own,
   * whose keys leave the prefix out. A prefix without a trailing '/' gets one. The view shares this
   * store's resources: closing it does nothing, closing this store ends both.
   */
  default ObjectStore child(String prefix) {
    return new PrefixedObjectStore(this, ObjectKeys.directory(prefix));
  }

  /** Releases the store's connections, if it has any. */
  @Override
  void close();
}
