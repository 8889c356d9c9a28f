package dev.d2llm.function;

import dev.d2llm.store.ObjectStore;
import dev.d2llm.store.ObjectStores;
import dev.d2llm.store.S3ObjectStore;
import dev.d2llm.store.S3Settings;
import dev.d2llm.store.S3Uri;
import java.net.URI;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Opens the store an index is read from. For {@code s3://} the client gets the configured connect
 * and read timeouts, so that an endpoint that accepts connections but never answers fails an
 * attempt in bounded time instead of holding the start-up; other stores open as the core opens
 * them.
 */
final class IndexStores {

  private IndexStores() {}

  /** An open store and the S3 client it borrows, if any: both closed together. */
  record Opened(ObjectStore store, S3Client client) implements AutoCloseable {
    @Override
    public void close() {
      try {
        store.close();
      } finally {
        if (client != null) {
          client.close();
        }
      }
    }
  }

  static Opened open(String location, S3Settings settings, FunctionConfig.Index config) {
    if (!location.regionMatches(true, 0, "s3://", 0, 5)) {
      return new Opened(ObjectStores.open(location, settings), null);
    }
    S3Uri s3 = S3Uri.parse(URI.create(location));
    S3Client client =
        S3ObjectStore.clientBuilder(settings)
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(config.connectTimeout())
                    .socketTimeout(config.readTimeout()))
            .build();
    try {
      return new Opened(new S3ObjectStore(client, s3.bucket(), s3.prefix()), client);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }
}
