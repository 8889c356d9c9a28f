package dev.d2llm.store;

import java.net.URI;

/**
 * An {@code s3://bucket/prefix/} location taken apart, the one parser of S3 URIs: the bucket and
 * the key prefix under it (no leading '/', empty for the bucket's root).
 */
public record S3Uri(String bucket, String prefix) {

  /**
   * {@code uri} taken apart; fails naming it unless it is {@code s3://bucket[/prefix]} with no
   * query or fragment.
   */
  public static S3Uri parse(URI uri) {
    String bucket = uri.getAuthority();
    if (!"s3".equalsIgnoreCase(uri.getScheme())
        || bucket == null
        || bucket.isBlank()
        || uri.getQuery() != null
        || uri.getFragment() != null) {
      throw new IllegalArgumentException("S3 URI '" + uri + "' must be s3://bucket/prefix/");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    return new S3Uri(bucket, path.startsWith("/") ? path.substring(1) : path);
  }
}
