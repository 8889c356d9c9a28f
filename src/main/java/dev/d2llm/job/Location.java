package dev.d2llm.job;

import dev.d2llm.store.ObjectKeys;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A place a job reads or writes: a local file or directory, or an object under an S3 prefix. Local
 * places are used where they are; remote ones are staged through a local copy.
 *
 * @param path the local path (absolute, normalised), or null when remote
 * @param uri the {@code s3://bucket/key} URI without a trailing '/', or null when local
 */
public record Location(Path path, URI uri) {

  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]+):");

  public Location {
    if ((path == null) == (uri == null)) {
      throw new IllegalArgumentException("a location is either a local path or a remote URI");
    }
  }

  /**
   * The location {@code text} names: {@code s3://bucket/key}, {@code file:///abs/path}, an absolute
   * path, or a path relative to {@code base}.
   *
   * @param base the directory relative paths start from, or null when they are not allowed
   * @throws IllegalArgumentException naming what is wrong with {@code text}
   */
  public static Location parse(String text, Path base) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("an empty location");
    }
    Optional<String> scheme = scheme(text);
    if (scheme.isEmpty()) {
      Path path = Path.of(text);
      if (!path.isAbsolute()) {
        if (base == null) {
          throw new IllegalArgumentException(
              "'"
                  + text
                  + "' is a relative path in a spec that is not a local file:"
                  + " use ${output}/"
                  + text
                  + ", an absolute path or an s3:// URI");
        }
        path = base.resolve(path);
      }
      return new Location(path.toAbsolutePath().normalize(), null);
    }
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not a valid URI: " + e.getMessage());
    }
    return switch (scheme.get()) {
      case "file" -> {
        if (uri.getAuthority() != null || uri.getPath() == null || !uri.getPath().startsWith("/")) {
          throw new IllegalArgumentException("'" + text + "' must be file:///absolute/path");
        }
        yield new Location(Path.of(uri.getPath()).normalize(), null);
      }
      case "s3" -> {
        String bucket = uri.getAuthority();
        String key =
            uri.getPath() == null
                ? ""
                : uri.getPath().replaceFirst("^/", "").replaceFirst("/$", "");
        if (bucket == null
            || bucket.isBlank()
            || uri.getQuery() != null
            || uri.getFragment() != null) {
          throw new IllegalArgumentException("'" + text + "' must be s3://bucket/key");
        }
        if (!key.isEmpty()) {
          try {
            ObjectKeys.check(key);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage());
          }
        }
        yield new Location(null, URI.create("s3://" + bucket + (key.isEmpty() ? "" : "/" + key)));
      }
      default ->
          throw new IllegalArgumentException(
              "'"
                  + text
                  + "' has the unsupported scheme '"
                  + scheme.get()
                  + ":'; use s3://bucket/key, file:///path or a local path");
    };
  }

  /**
   * The lower-cased URI scheme {@code text} starts with, if any (one letter is a Windows drive, not
   * a scheme).
   */
  static Optional<String> scheme(String text) {
    var m = SCHEME.matcher(text);
    return m.find() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
  }

  /** Whether this location is in object storage rather than on the local disk. */
  public boolean remote() {
    return uri != null;
  }

  /** The S3 bucket of a remote location. */
  public String bucket() {
    return uri.getAuthority();
  }

  /**
   * The key inside {@link #bucket()} of a remote location, without a trailing '/'; empty for the
   * bucket's root.
   */
  public String key() {
    String p = uri.getPath();
    return p == null || p.isEmpty() ? "" : p.substring(1);
  }

  /** Whether this location is {@code other} or lies under it (a file inside a directory output). */
  public boolean within(Location other) {
    String mine = toString();
    String theirs = other.toString();
    return mine.equals(theirs) || mine.startsWith(theirs.endsWith("/") ? theirs : theirs + "/");
  }

  /** The location written out: an absolute path or {@code s3://bucket/key}. */
  @Override
  public String toString() {
    return remote() ? uri.toString() : path.toString();
  }
}
