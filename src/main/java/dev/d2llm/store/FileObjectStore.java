package dev.d2llm.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * An object store in a local directory: key {@code a/b} is the file {@code root/a/b}. Writes go
 * through a temporary file in the target's directory and an atomic rename; directories are created
 * as needed and left in place when their last object is deleted. Since a path cannot be a file and
 * a directory at once, keys {@code a} and {@code a/b} cannot both exist here (in S3 they can).
 */
public final class FileObjectStore implements ObjectStore {

  private final Path root;
  private final URI uri;

  /** A store over the directory {@code root}, which is created on the first write. */
  public FileObjectStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
    String base = this.root.toUri().toString();
    this.uri = URI.create(base.endsWith("/") ? base : base + "/");
  }

  /** The directory that holds the objects. */
  public Path root() {
    return root;
  }

  private Path path(String key) {
    return root.resolve(ObjectKeys.check(key));
  }

  @Override
  public void put(String key, Path source) {
    Path target = path(key);
    try {
      AtomicFiles.copy(source, target);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + source + " to " + target, e);
    }
  }

  @Override
  public void putBytes(String key, byte[] content) {
    Path target = path(key);
    try {
      AtomicFiles.write(target, content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  @Override
  public InputStream open(String key) {
    Path file = path(key);
    if (Files.isDirectory(file)) {
      throw new ObjectNotFoundException(uri, key);
    }
    try {
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(uri, key, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + file, e);
    }
  }

  @Override
  public boolean exists(String key) {
    return Files.isRegularFile(path(key));
  }

  @Override
  public OptionalLong size(String key) {
    Path file = path(key);
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return attributes.isRegularFile() ? OptionalLong.of(attributes.size()) : OptionalLong.empty();
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the size of " + file, e);
    }
  }

  @Override
  public List<String> list(String prefix) {
    ObjectKeys.checkPrefix(prefix);
    // Walk only the deepest directory the prefix names in full.
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
    if (!Files.isDirectory(start)) {
      return List.of();
    }
    List<String> keys = new ArrayList<>();
    try (Stream<Path> files = Files.walk(start)) {
      files
          .filter(Files::isRegularFile)
          .filter(file -> !AtomicFiles.isTemporary(file))
          .map(this::key)
          .filter(key -> key.startsWith(prefix))
          .forEach(keys::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + start, e);
    }
    keys.sort(null);
    return keys;
  }

  private String key(Path file) {
    StringBuilder key = new StringBuilder();
    for (Path name : root.relativize(file)) {
      if (!key.isEmpty()) {
        key.append('/');
      }
      key.append(name);
    }
    return key.toString();
  }

  @Override
  public void delete(String key) {
    Path file = path(key);
    if (Files.isDirectory(file)) {
      return; // a directory is not an object
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file, e);
    }
  }

  @Override
  public URI uri() {
    return uri;
  }

  @Override
  public Optional<Path> localPath(String key) {
    return Optional.of(path(key));
  }

  @Override
  public void close() {
    // Nothing held open.
  }

  @Override
  public String toString() {
    return "FileObjectStore[" + uri + "]";
  }
}
