package dev.d2llm.store;

import java.net.URI;
import java.net.URISyntaxException;

/** The rules every key and prefix obeys, whichever store holds it. */
public final class ObjectKeys {

  /** Names of files that are writes in progress; reserved, so no key can collide with one. */
  static final String TEMP_PREFIX = ".tmp-";

  private ObjectKeys() {}

  /**
   * Checks a key: '/'-separated, relative, and free of anything that reads differently on a file
   * system than in a bucket (empty, '.' or '..' segments, backslashes), so one key means the same
   * object in every store.
   *
   * @throws IllegalArgumentException naming the key and what is wrong with it
   */
  public static String check(String key) {
    if (key == null) {
      throw new IllegalArgumentException("object key must not be null");
    }
    if (key.isEmpty()) {
      throw new IllegalArgumentException("object key must not be empty");
    }
    checkSegments(key, key.split("/", -1), "object key");
    return key;
  }

  /**
   * Checks a listing prefix: empty (everything) or a string a key may start with; a trailing '/' is
   * allowed, and the last segment may be partial.
   */
  static String checkPrefix(String prefix) {
    if (prefix == null) {
      throw new IllegalArgumentException("prefix must not be null");
    }
    if (prefix.isEmpty()) {
      return prefix;
    }
    String body = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    if (body.isEmpty()) {
      throw new IllegalArgumentException(
          "prefix '" + prefix + "' must be relative: no leading '/'");
    }
    checkSegments(prefix, body.split("/", -1), "prefix");
    return prefix;
  }

  /** A directory-like prefix ("" or ending in '/') for rooting a store below another. */
  static String directory(String prefix) {
    checkPrefix(prefix);
    return prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
  }

  /**
   * The URI of {@code key} below a base URI that ends in '/', percent-encoding what URIs cannot
   * hold.
   */
  static URI resolve(URI base, String key) {
    try {
      // A scheme and a leading '/' make the constructor quote the path without reading ':' as a
      // scheme.
      String encoded = new URI("x", null, "/" + key, null).getRawPath().substring(1);
      return URI.create(base.toString() + encoded);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("object key '" + key + "' cannot be written in a URI", e);
    }
  }

  private static void checkSegments(String whole, String[] segments, String what) {
    if (whole.startsWith("/")) {
      throw new IllegalArgumentException(
          what + " '" + whole + "' must be relative: no leading '/'");
    }
    if (whole.indexOf('\\') >= 0) {
      throw new IllegalArgumentException(
          what + " '" + whole + "' must use '/' as separator, not '\\'");
    }
    for (String segment : segments) {
      if (segment.isEmpty()) {
        throw new IllegalArgumentException(what + " '" + whole + "' has an empty segment");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            what + " '" + whole + "' must not contain '" + segment + "' segments");
      }
      if (segment.startsWith(TEMP_PREFIX)) {
        throw new IllegalArgumentException(
            what
                + " '"
                + whole
                + "' has a segment starting with '"
                + TEMP_PREFIX
                + "', reserved for writes in progress");
      }
    }
  }
}
