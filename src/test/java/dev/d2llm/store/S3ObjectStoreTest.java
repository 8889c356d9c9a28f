package dev.d2llm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The contract against a real S3 protocol server (S3Mock in a child JVM on loopback). */
class S3ObjectStoreTest extends ObjectStoreContract {

  private static final String BUCKET = "d2llm-test";
  private static final int PAGE_SIZE = 4;
  private static final AtomicInteger STORES = new AtomicInteger();

  private static S3MockServer server;
  private static S3Client client;

  @BeforeAll
  static void startServer() {
    server = S3MockServer.start(BUCKET);
    client = server.client();
  }

  @AfterAll
  static void stopServer() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Override
  ObjectStore newStore() {
    // A fresh prefix per test: an empty store without emptying the bucket.
    return new S3ObjectStore(client, BUCKET, "test-" + STORES.incrementAndGet(), PAGE_SIZE);
  }

  @Override
  int pageSize() {
    return PAGE_SIZE;
  }

  @Test
  void uriNamesTheBucketAndThePrefix() {
    S3ObjectStore store = new S3ObjectStore(client, BUCKET, "indexes/en");
    assertThat(store.uri()).isEqualTo(URI.create("s3://d2llm-test/indexes/en/"));
    assertThat(store.prefix()).isEqualTo("indexes/en/");
    assertThat(store.uri("versions/3/manifest.json"))
        .isEqualTo(URI.create("s3://d2llm-test/indexes/en/versions/3/manifest.json"));
  }

  @Test
  void anEmptyPrefixIsTheWholeBucket() {
    S3ObjectStore whole = new S3ObjectStore(client, BUCKET, "");
    store.putBytes("x", utf8("x"));
    assertThat(whole.uri()).isEqualTo(URI.create("s3://d2llm-test/"));
    assertThat(whole.exists(((S3ObjectStore) store).prefix() + "x")).isTrue();
  }

  @Test
  void objectsAreNotLocalFiles() {
    assertThat(store.localPath("a")).isEmpty();
  }

  @Test
  void aMissingBucketIsAnErrorNotAMissingKey() {
    S3ObjectStore nowhere = new S3ObjectStore(client, "no-such-bucket", "");
    assertThatThrownBy(() -> nowhere.open("a"))
        .isInstanceOf(S3Exception.class)
        .isNotInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  void closingAStoreLeavesABorrowedClientOpen() {
    new S3ObjectStore(client, BUCKET, "borrowed").close();
    store.putBytes("still", utf8("works"));
    assertThat(store.exists("still")).isTrue();
  }

  @Test
  void pageSizeOutsideWhatS3AllowsIsRejected() {
    assertThatThrownBy(() -> new S3ObjectStore(client, BUCKET, "", 1001))
        .hasMessage("page size must be in [1, 1000], found 1001");
  }
}
