package dev.d2llm.store;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/** Opens the object store a location names: a local directory or an S3 bucket prefix. */
public final class ObjectStores {

  // Two or more letters, so that a Windows drive ("C:\\index") reads as a path, not a scheme.
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:");

  private ObjectStores() {}

  /**
   * The store at {@code location}: {@code file:///abs/path/} or a plain local path (a {@link
   * FileObjectStore}), or {@code s3://bucket/prefix/} (an {@link S3ObjectStore} set up by {@link
   * S3Settings#fromEnvironment()}).
   */
  public static ObjectStore open(String location) {
    return open(location, null);
  }

  /** As {@link #open(String)} for a URI. */
  public static ObjectStore open(URI uri) {
    return open(uri, null);
  }

  /** As {@link #open(String)}, reaching S3 with {@code settings} (null: from the environment). */
  public static ObjectStore open(String location, S3Settings settings) {
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException("object store location must not be blank");
    }
    if (!SCHEME.matcher(location).find()) {
      return new FileObjectStore(Path.of(location));
    }
    URI uri;
    try {
      uri = URI.create(location);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "object store URI '" + location + "' is malformed: " + e.getMessage(), e);
    }
    return open(uri, settings);
  }

  /** As {@link #open(String, S3Settings)} for a URI. */
  public static ObjectStore open(URI uri, S3Settings settings) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return switch (scheme) {
      case "file" -> {
        try {
          yield new FileObjectStore(Path.of(uri));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "file URI '"
                  + uri
                  + "' must be absolute with no host, e.g. file:///path/: "
                  + e.getMessage(),
              e);
        }
      }
      case "s3" -> {
        S3Uri s3 = S3Uri.parse(uri);
        yield S3ObjectStore.connect(
            s3.bucket(), s3.prefix(), settings != null ? settings : S3Settings.fromEnvironment());
      }
      default ->
          throw new IllegalArgumentException(
              "unsupported object store URI '"
                  + uri
                  + "': use file:///path/ or s3://bucket/prefix/");
    };
  }
}
