package dev.d2llm.function;

import dev.d2llm.store.ObjectStore;
import dev.d2llm.store.ObjectStores;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A {@code file://} index that is not there when the function starts: it is built aside, and {@link
 * #publish()} moves it into place when the test says, as a store that comes back would.
 */
public class LateIndexResource implements QuarkusTestResourceLifecycleManager {

  private static Path staged;
  private static Path served;

  @Override
  public Map<String, String> start() {
    try {
      Path work = Files.createTempDirectory("d2llm-late-index-");
      staged = work.resolve("staged");
      served = work.resolve("served");
      try (ObjectStore store = ObjectStores.open(staged.toString())) {
        S3IndexResource.publishDemoIndex(store, 32);
      }
      return Map.of(
          "d2llm.index.uri",
          served.toUri().toString(),
          "d2llm.index.cache-dir",
          work.resolve("cache").toString(),
          "d2llm.index.retry-initial-delay",
          "0.1S",
          "d2llm.index.retry-max-delay",
          "0.5S");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Moves the staged index to where the function looks for it. */
  static void publish() throws IOException {
    Files.move(staged, served);
  }

  @Override
  public void stop() {}
}
