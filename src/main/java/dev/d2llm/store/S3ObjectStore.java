package dev.d2llm.store;

import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An object store under a key prefix of an S3 bucket (AWS or any S3-compatible server), through the
 * AWS SDK v2 over the JDK's HTTP client. S3 itself makes every put atomic to readers. SDK failures
 * other than a missing key surface as the SDK's own unchecked exceptions.
 */
public final class S3ObjectStore implements ObjectStore {

  /** The most keys S3 returns per listing page, and the page size used unless told otherwise. */
  public static final int MAX_PAGE_SIZE = 1000;

  private final S3Client client;
  private final boolean ownsClient;
  private final String bucket;
  private final String prefix;
  private final int pageSize;
  private final URI uri;

  /**
   * A store over {@code s3://bucket/prefix/} through {@code client}, which stays the caller's to
   * close. An empty prefix means the whole bucket; a missing trailing '/' is added.
   */
  public S3ObjectStore(S3Client client, String bucket, String prefix) {
    this(client, bucket, prefix, MAX_PAGE_SIZE);
  }

  /**
   * As {@link #S3ObjectStore(S3Client, String, String)}, listing {@code pageSize} keys per request.
   */
  public S3ObjectStore(S3Client client, String bucket, String prefix, int pageSize) {
    this(client, false, bucket, prefix, pageSize);
  }

  private S3ObjectStore(
      S3Client client, boolean ownsClient, String bucket, String prefix, int pageSize) {
    if (client == null) {
      throw new IllegalArgumentException("S3 client must not be null");
    }
    if (bucket == null || bucket.isBlank() || bucket.contains("/")) {
      throw new IllegalArgumentException(
          "S3 bucket must be a non-blank name without '/', found '" + bucket + "'");
    }
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "page size must be in [1, " + MAX_PAGE_SIZE + "], found " + pageSize);
    }
    this.client = client;
    this.ownsClient = ownsClient;
    this.bucket = bucket;
    this.prefix = ObjectKeys.directory(prefix);
    this.pageSize = pageSize;
    try {
      this.uri = new URI("s3", bucket, "/" + this.prefix, null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "s3://" + bucket + "/" + this.prefix + " is not a valid URI", e);
    }
  }

  /**
   * A store over {@code s3://bucket/prefix/} with a client of its own, built from {@code settings}
   * and the SDK's default credentials chain, and closed with the store.
   */
  public static S3ObjectStore connect(String bucket, String prefix, S3Settings settings) {
    S3Client client = clientBuilder(settings).build();
    try {
      return new S3ObjectStore(client, true, bucket, prefix, MAX_PAGE_SIZE);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /**
   * A client builder set up from {@code settings} (HTTP client, region, endpoint, addressing) and
   * otherwise SDK defaults, for callers that add their own credentials or overrides.
   */
  public static S3ClientBuilder clientBuilder(S3Settings settings) {
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .region(Region.of(settings.region()))
            .forcePathStyle(settings.pathStyle());
    settings.endpoint().ifPresent(builder::endpointOverride);
    return builder;
  }

  /** The bucket. */
  public String bucket() {
    return bucket;
  }

  /** The key prefix within the bucket: "" or ending in '/'. */
  public String prefix() {
    return prefix;
  }

  private String full(String key) {
    return prefix + ObjectKeys.check(key);
  }

  @Override
  public void put(String key, Path source) {
    String full = full(key);
    AtomicFiles.requireFile(source);
    client.putObject(
        PutObjectRequest.builder().bucket(bucket).key(full).build(), RequestBody.fromFile(source));
  }

  @Override
  public void putBytes(String key, byte[] content) {
    String full = full(key);
    client.putObject(
        PutObjectRequest.builder().bucket(bucket).key(full).build(),
        RequestBody.fromBytes(content));
  }

  @Override
  public InputStream open(String key) {
    String full = full(key);
    try {
      return client.getObject(GetObjectRequest.builder().bucket(bucket).key(full).build());
    } catch (S3Exception e) {
      if (isMissingKey(e)) {
        throw new ObjectNotFoundException(uri, key, e);
      }
      throw e;
    }
  }

  @Override
  public boolean exists(String key) {
    return head(key) != null;
  }

  @Override
  public OptionalLong size(String key) {
    HeadObjectResponse head = head(key);
    return head == null ? OptionalLong.empty() : OptionalLong.of(head.contentLength());
  }

  /** The object's metadata, or null when it does not exist. */
  private HeadObjectResponse head(String key) {
    String full = full(key);
    try {
      return client.headObject(HeadObjectRequest.builder().bucket(bucket).key(full).build());
    } catch (S3Exception e) {
      if (isMissingKey(e)) {
        return null;
      }
      throw e;
    }
  }

  private static boolean isMissingKey(S3Exception e) {
    // A HEAD answer has no body to carry an error code, so its 404 may arrive as a plain
    // S3Exception.
    return e instanceof NoSuchKeyException
        || e.statusCode() == 404 && !"NoSuchBucket".equals(errorCode(e));
  }

  private static String errorCode(S3Exception e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  @Override
  public List<String> list(String prefix) {
    ListObjectsV2Request.Builder request =
        ListObjectsV2Request.builder().bucket(bucket).maxKeys(pageSize);
    String full = this.prefix + ObjectKeys.checkPrefix(prefix);
    if (!full.isEmpty()) {
      request.prefix(full);
    }
    // The paginator follows continuation tokens until the listing is complete.
    return client.listObjectsV2Paginator(request.build()).contents().stream()
        .map(S3Object::key)
        .map(key -> key.substring(this.prefix.length()))
        .sorted() // S3 orders by UTF-8 bytes; the contract promises String order.
        .toList();
  }

  @Override
  public void delete(String key) {
    client.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(full(key)).build());
  }

  @Override
  public URI uri() {
    return uri;
  }

  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "S3ObjectStore[" + uri + "]";
  }
}
