package dev.d2llm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoresTest {

  // Building a client resolves no credentials and opens no connection, so this needs no server.
  private static final S3Settings SETTINGS =
      S3Settings.endpoint(URI.create("http://127.0.0.1:9"), "us-east-1");

  @TempDir Path dir;

  @Test
  void aPlainPathIsALocalDirectory() {
    try (ObjectStore store = ObjectStores.open(dir.toString())) {
      assertThat(store).isInstanceOf(FileObjectStore.class);
      assertThat(store.uri()).isEqualTo(dir.toUri());
    }
  }

  @Test
  void aFileUriIsALocalDirectory() {
    try (ObjectStore store = ObjectStores.open(dir.toUri())) {
      assertThat(((FileObjectStore) store).root()).isEqualTo(dir);
    }
  }

  @Test
  void aStoresUriOpensTheSameStore() {
    try (ObjectStore store = new FileObjectStore(dir.resolve("a b"));
        ObjectStore again = ObjectStores.open(store.uri())) {
      assertThat(again.uri()).isEqualTo(store.uri());
    }
  }

  @Test
  void anS3UriIsABucketPrefix() {
    try (ObjectStore store = ObjectStores.open("s3://my-bucket/indexes/en", SETTINGS)) {
      assertThat(store).isInstanceOf(S3ObjectStore.class);
      assertThat(((S3ObjectStore) store).bucket()).isEqualTo("my-bucket");
      assertThat(store.uri()).isEqualTo(URI.create("s3://my-bucket/indexes/en/"));
    }
  }

  @Test
  void anS3UriWithoutAPathIsTheWholeBucket() {
    try (ObjectStore store = ObjectStores.open("s3://my-bucket", SETTINGS)) {
      assertThat(((S3ObjectStore) store).prefix()).isEmpty();
    }
  }

  @Test
  void anS3UriWithoutABucketIsRejected() {
    assertThatThrownBy(() -> ObjectStores.open("s3:///prefix/", SETTINGS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s3://bucket/prefix/");
  }

  @Test
  void otherSchemesAreRejectedSayingWhatIsSupported() {
    assertThatThrownBy(() -> ObjectStores.open("gs://bucket/prefix/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unsupported object store URI 'gs://bucket/prefix/': use file:///path/ or s3://bucket/prefix/");
  }

  @Test
  void aRelativeFileUriIsRejected() {
    assertThatThrownBy(() -> ObjectStores.open("file:relative/dir"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("file:///path/");
  }
}
