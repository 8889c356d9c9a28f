package dev.d2llm.cli;

import dev.d2llm.index.IndexStore;
import dev.d2llm.store.LocalFiles;
import dev.d2llm.store.ObjectStore;
import dev.d2llm.store.ObjectStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code d2llm index copy}: publish another store's current version here, e.g. a local build to S3.
 */
@Command(
    name = "copy",
    mixinStandardHelpOptions = true,
    description =
        "Copies the current version of the index at FROM to TO, verified on the way, and makes it"
            + " current there (shards, then manifest, then CURRENT).")
public class IndexCopyCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "FROM",
      description = "source index: file:///dir/, a path, or s3://bucket/prefix/")
  String from;

  @Parameters(index = "1", paramLabel = "TO", description = "target index location")
  String to;

  @Override
  public Integer call() throws IOException {
    Path cache = Files.createTempDirectory("d2llm-index-copy-");
    try (ObjectStore source = ObjectStores.open(from);
        ObjectStore target = ObjectStores.open(to)) {
      IndexStore src = new IndexStore(source);
      Path local = src.localCopy(src.currentVersion(), cache, System.err::println);
      String version = new IndexStore(target).publish(local, System.err::println);
      System.out.println("version=" + version + " index=" + target.uri());
    } finally {
      LocalFiles.deleteTree(cache);
    }
    return 0;
  }
}
