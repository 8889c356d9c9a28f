package dev.d2llm.store;

import java.net.URI;

/** A read of a key that holds no object; the message names the store and the key. */
public final class ObjectNotFoundException extends RuntimeException {

  private final URI store;
  private final String key;

  /** The key {@code key} is missing from the store at {@code store}. */
  public ObjectNotFoundException(URI store, String key) {
    this(store, key, null);
  }

  /**
   * As {@link #ObjectNotFoundException(URI, String)}, keeping the store's own report as the cause.
   */
  public ObjectNotFoundException(URI store, String key, Throwable cause) {
    super("no object '" + key + "' in " + store, cause);
    this.store = store;
    this.key = key;
  }

  /** The URI of the store that was read. */
  public URI store() {
    return store;
  }

  /** The missing key, relative to the store. */
  public String key() {
    return key;
  }
}
