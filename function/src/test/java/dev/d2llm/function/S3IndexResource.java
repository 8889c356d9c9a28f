package dev.d2llm.function;

import ai.djl.Device;
import dev.d2llm.data.CorpusFiles;
import dev.d2llm.index.IndexBuilder;
import dev.d2llm.index.IndexStore;
import dev.d2llm.index.ModelIdentity;
import dev.d2llm.index.VectorEncoding;
import dev.d2llm.store.ObjectStore;
import dev.d2llm.store.ObjectStores;
import dev.d2llm.store.S3MockServer;
import dev.d2llm.student.DefaultStudents;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentFiles;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real S3 protocol server (S3Mock, in a child JVM on loopback) holding an index of the demo
 * corpus built with the shipped default student, and the function configured to serve it.
 */
public class S3IndexResource implements QuarkusTestResourceLifecycleManager {

  static final String BUCKET = "indexes";
  static final String PREFIX = "demo/";

  private S3MockServer server;

  @Override
  public Map<String, String> start() {
    // S3Mock checks no signature, but the SDK's default chain must find some credentials.
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    server = S3MockServer.start(BUCKET);
    try {
      Path work = Files.createTempDirectory("d2llm-function-test-");
      try (ObjectStore store =
          ObjectStores.open("s3://" + BUCKET + "/" + PREFIX, server.settings())) {
        // Small shards, so the index has several of each kind.
        publishDemoIndex(store, 32);
        damage(store, new IndexStore(store));
      }
      return Map.of(
          "d2llm.index.uri", "s3://" + BUCKET + "/" + PREFIX,
          "d2llm.s3.endpoint", server.endpoint().toString(),
          "d2llm.index.cache-dir", work.resolve("cache").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Publishes the demo corpus, encoded by the shipped default student, as an index in {@code
   * store}.
   */
  static void publishDemoIndex(ObjectStore store, int rowsPerShard) throws IOException {
    Path corpus = Files.createTempFile("d2llm-demo-corpus-", ".jsonl");
    try (InputStream in =
        S3IndexResource.class.getClassLoader().getResourceAsStream(SearchEngine.DEMO_CORPUS)) {
      Files.copy(in, corpus, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Path studentDir = DefaultStudents.resolve("default");
    try (Student student = StudentFiles.load(studentDir, Device.cpu())) {
      new IndexBuilder(
              student,
              ModelIdentity.of("default", studentDir),
              VectorEncoding.FP32,
              VectorEncoding.FP32,
              rowsPerShard)
          .publish(CorpusFiles.read(corpus), new IndexStore(store), n -> {});
    } finally {
      Files.deleteIfExists(corpus);
    }
  }

  /** What a subclass does to the published index before the function starts; nothing here. */
  void damage(ObjectStore store, IndexStore index) {}

  @Override
  public void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** The same index with one byte of one vector shard flipped in the store. */
  public static class Corrupted extends S3IndexResource {
    @Override
    void damage(ObjectStore store, IndexStore index) {
      String key = "versions/" + index.currentVersion() + "/vectors-00001.bin";
      byte[] bytes = store.readBytes(key);
      bytes[5] ^= 0x10;
      store.putBytes(key, bytes);
    }
  }
}
