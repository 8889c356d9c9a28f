package dev.d2llm.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.d2llm.store.FileObjectStore;
import dev.d2llm.store.ObjectStore;
import dev.d2llm.store.ObjectStores;
import dev.d2llm.store.S3MockServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions are published shards-first and pointer-last, read back verified, from files and from S3.
 */
class IndexStoreTest {

  private static S3MockServer s3;

  @BeforeAll
  static void startS3() {
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    s3 = S3MockServer.start("idx");
  }

  @AfterAll
  static void stopS3() {
    s3.close();
  }

  @Test
  void aPublishedVersionLoadsFromS3ThroughTheCache(@TempDir Path dir) {
    Path local = dir.resolve("v1");
    IndexManifest m =
        IndexFilesTest.write(
            local,
            IndexFilesTest.random(9, 5, 1),
            IndexFilesTest.random(9, 3, 2),
            VectorEncoding.FP16,
            VectorEncoding.FP32,
            4);
    try (ObjectStore store = ObjectStores.open("s3://idx/a/", s3.settings())) {
      IndexStore index = new IndexStore(store);
      index.publish(local, line -> {});

      List<String> log = new ArrayList<>();
      SearchIndex loaded = index.load(dir.resolve("cache"), log::add);

      assertThat(loaded.manifest()).isEqualTo(m);
      assertThat(loaded.ids()).hasSize(9);
      assertThat(log).anyMatch(l -> l.startsWith("downloaded vectors-00000.bin"));
      assertThat(dir.resolve("cache/v1/manifest.json")).isRegularFile();

      log.clear();
      index.load(dir.resolve("cache"), log::add);
      assertThat(log).as("a second load reuses the cached shards").isEmpty();
    }
  }

  @Test
  void aDamagedCacheIsFetchedAgainButADamagedStoreIsRefused(@TempDir Path dir) throws IOException {
    Path local = dir.resolve("v1");
    IndexFilesTest.write(
        local,
        IndexFilesTest.random(6, 5, 3),
        IndexFilesTest.random(6, 3, 4),
        VectorEncoding.FP32,
        VectorEncoding.FP32,
        100);
    try (ObjectStore store = ObjectStores.open("s3://idx/b/", s3.settings())) {
      IndexStore index = new IndexStore(store);
      index.publish(local, line -> {});
      Path cache = dir.resolve("cache");
      index.load(cache, line -> {});
      Path cached = cache.resolve("v1/projection-00000.bin");
      byte[] bytes = Files.readAllBytes(cached);
      bytes[0] ^= 1;
      Files.write(cached, bytes);

      assertThat(index.load(cache, line -> {}).count()).isEqualTo(6);

      String key = "versions/v1/projection-00000.bin";
      byte[] remote = store.readBytes(key);
      remote[0] ^= 1;
      store.putBytes(key, remote);
      Files.delete(cached);
      assertThatThrownBy(() -> index.load(cache, line -> {}))
          .isInstanceOf(IndexFormatException.class)
          .hasMessageContaining("projection-00000.bin")
          .hasMessageContaining("SHA-256");
    }
  }

  @Test
  void versionsLiveSideBySideAndCurrentMovesLast(@TempDir Path dir) {
    try (ObjectStore store = new FileObjectStore(dir.resolve("store"))) {
      IndexStore index = new IndexStore(store);
      IndexFilesTest.write(
          dir.resolve("old"),
          IndexFilesTest.random(3, 4, 5),
          IndexFilesTest.random(3, 2, 6),
          VectorEncoding.FP32,
          VectorEncoding.FP32,
          10);
      rename(dir.resolve("old"), "20260101T000000Z-aaaaaa");
      index.publish(dir.resolve("old"), line -> {});
      IndexFilesTest.write(
          dir.resolve("new"),
          IndexFilesTest.random(4, 4, 7),
          IndexFilesTest.random(4, 2, 8),
          VectorEncoding.FP32,
          VectorEncoding.FP32,
          10);
      rename(dir.resolve("new"), "20260102T000000Z-bbbbbb");

      index.publish(dir.resolve("new"), line -> {});

      assertThat(index.versions())
          .containsExactly("20260101T000000Z-aaaaaa", "20260102T000000Z-bbbbbb");
      assertThat(index.currentVersion()).isEqualTo("20260102T000000Z-bbbbbb");
      assertThat(index.load(dir.resolve("cache"), line -> {}).count()).isEqualTo(4);
      assertThat(dir.resolve("cache"))
          .as("a file store is read in place, not copied")
          .doesNotExist();
      assertThat(IndexReader.open(dir.resolve("store/versions/20260101T000000Z-aaaaaa")).count())
          .isEqualTo(3);
    }
  }

  @Test
  void aVersionWithoutManifestIsUnfinishedAndAnEmptyStoreHasNoIndex(@TempDir Path dir) {
    try (ObjectStore store = new FileObjectStore(dir)) {
      IndexStore index = new IndexStore(store);
      assertThatThrownBy(index::currentVersion)
          .isInstanceOf(IndexFormatException.class)
          .hasMessageContaining("CURRENT is missing");
      store.putBytes("versions/v9/vectors-00000.bin", new byte[8]);
      store.putBytes(IndexStore.CURRENT, "v9\n".getBytes());
      assertThatThrownBy(() -> index.manifest("v9"))
          .isInstanceOf(IndexFormatException.class)
          .hasMessageContaining("still being written");
    }
  }

  /**
   * Rewrites a written version's name in its manifest, as a build at another time would have named
   * it.
   */
  private static void rename(Path dir, String version) {
    IndexManifest m = IndexReader.manifest(dir);
    IndexManifest renamed =
        new IndexManifest(
            m.formatVersion(),
            version,
            m.created(),
            m.model(),
            m.dimension(),
            m.projectionWidth(),
            m.count(),
            m.vectorEncoding(),
            m.projectionEncoding(),
            m.shards());
    try {
      Files.write(dir.resolve(IndexManifest.FILE), renamed.toJson());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
