package dev.d2llm.cli;

import dev.d2llm.index.IndexManifest;
import dev.d2llm.index.IndexStore;
import dev.d2llm.store.ObjectStore;
import dev.d2llm.store.ObjectStores;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code d2llm index info}: the current version's manifest, and every version in the store. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = "Prints the current version's manifest and lists every version in the store.")
public class IndexInfoCommand implements Callable<Integer> {

  @Parameters(
      paramLabel = "URI",
      description = "index location: file:///dir/, a local path, or s3://bucket/prefix/")
  String uri;

  @Override
  public Integer call() {
    try (ObjectStore store = ObjectStores.open(uri)) {
      IndexStore index = new IndexStore(store);
      String current = index.currentVersion();
      IndexManifest m = index.manifest(current);
      System.out.print(new String(m.toJson(), java.nio.charset.StandardCharsets.UTF_8));
      System.out.println();
      for (String v : index.versions()) {
        System.out.println((v.equals(current) ? "* " : "  ") + v);
      }
    }
    return 0;
  }
}
