package dev.d2llm.function;

import dev.d2llm.index.IndexStore;
import dev.d2llm.index.IndexWriter;
import dev.d2llm.store.ObjectStore;
import dev.d2llm.store.ObjectStores;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/**
 * A function cache whose demo index (no {@code d2llm.index.uri}) has one flipped byte in its vector
 * shard, beside an orphan version folder such as an interrupted build leaves, untouched for longer
 * than {@link SearchEngine#ORPHAN_AGE}.
 */
public class DamagedDemoIndexResource implements QuarkusTestResourceLifecycleManager {

  static Path demoIndex;
  static String damagedVersion;
  static Path orphan;

  @Override
  public Map<String, String> start() {
    try {
      Path cache = Files.createTempDirectory("d2llm-demo-repair-");
      demoIndex = cache.resolve("demo-index");
      try (ObjectStore store = ObjectStores.open(demoIndex.toString())) {
        S3IndexResource.publishDemoIndex(store, IndexWriter.DEFAULT_ROWS_PER_SHARD);
        damagedVersion = new IndexStore(store).currentVersion();
      }
      Path shard =
          demoIndex.resolve("versions").resolve(damagedVersion).resolve("vectors-00000.bin");
      byte[] bytes = Files.readAllBytes(shard);
      bytes[5] ^= 0x10;
      Files.write(shard, bytes);
      orphan =
          Files.createDirectories(demoIndex.resolve("versions").resolve("00000000T000000Z-orphan"));
      Files.writeString(orphan.resolve("vectors-00000.bin"), "half a shard");
      Files.setLastModifiedTime(
          orphan, FileTime.from(Instant.now().minus(SearchEngine.ORPHAN_AGE).minusSeconds(60)));
      return Map.of(
          "d2llm.index.cache-dir", cache.toString(), "d2llm.index.retry-initial-delay", "0.1S");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {}
}
