package dev.d2llm.store;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The objects of a parent store under a directory-like prefix, seen as a store of their own. */
final class PrefixedObjectStore implements ObjectStore {

  private final ObjectStore parent;
  private final String prefix;

  PrefixedObjectStore(ObjectStore parent, String prefix) {
    this.parent = parent;
    this.prefix = prefix;
  }

  private String full(String key) {
    return prefix + ObjectKeys.check(key);
  }

  @Override
  public void put(String key, Path source) {
    parent.put(full(key), source);
  }

  @Override
  public void putBytes(String key, byte[] content) {
    parent.putBytes(full(key), content);
  }

  @Override
  public InputStream open(String key) {
    ObjectKeys.check(key);
    try {
      return parent.open(prefix + key);
    } catch (ObjectNotFoundException e) {
      // Name the key as this store's caller knows it.
      throw new ObjectNotFoundException(uri(), key, e);
    }
  }

  @Override
  public boolean exists(String key) {
    return parent.exists(full(key));
  }

  @Override
  public OptionalLong size(String key) {
    return parent.size(full(key));
  }

  @Override
  public List<String> list(String prefix) {
    return parent.list(this.prefix + ObjectKeys.checkPrefix(prefix)).stream()
        .map(key -> key.substring(this.prefix.length()))
        .toList();
  }

  @Override
  public void delete(String key) {
    parent.delete(full(key));
  }

  @Override
  public URI uri() {
    return prefix.isEmpty() ? parent.uri() : ObjectKeys.resolve(parent.uri(), prefix);
  }

  @Override
  public Optional<Path> localPath(String key) {
    return parent.localPath(full(key));
  }

  @Override
  public ObjectStore child(String prefix) {
    return new PrefixedObjectStore(parent, this.prefix + ObjectKeys.directory(prefix));
  }

  @Override
  public void close() {
    // The parent owns the resources.
  }
}
