package dev.d2llm.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileObjectStoreTest extends ObjectStoreContract {

  @TempDir Path root;

  @Override
  ObjectStore newStore() {
    return new FileObjectStore(root.resolve("store"));
  }

  @Override
  int pageSize() {
    return 5; // a directory walk has no pages; the contract's many-keys test still runs
  }

  @Test
  void keysAreFilesUnderTheRoot() {
    store.putBytes("versions/3/manifest.json", utf8("m"));
    assertThat(root.resolve("store/versions/3/manifest.json")).hasContent("m");
  }

  @Test
  void localPathIsTheFileThatHoldsTheObject() {
    store.putBytes("shards/0.bin", utf8("s"));
    assertThat(store.localPath("shards/0.bin")).hasValue(root.resolve("store/shards/0.bin"));
    assertThat(store.localPath("not/yet")).hasValue(root.resolve("store/not/yet"));
  }

  @Test
  void uriIsTheFileUriOfTheRootDirectory() {
    assertThat(store.uri()).isEqualTo(URI.create(root.toUri() + "store/"));
    assertThat(store.uri().toString()).startsWith("file:///").endsWith("/store/");
    assertThat(Path.of(store.uri("a b/c.bin"))).isEqualTo(root.resolve("store/a b/c.bin"));
  }

  @Test
  void writesLeaveNoTemporaryFileBehind() throws IOException {
    Path source = Files.write(root.resolve("source.bin"), randomBytes(10_000, 3));
    store.put("a/shard.bin", source);
    store.putBytes("a/manifest.json", utf8("{}"));
    store.download("a/shard.bin", root.resolve("download/shard.bin"));
    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.filter(Files::isRegularFile).map(file -> root.relativize(file).toString()))
          .containsExactlyInAnyOrder(
              "source.bin", "store/a/shard.bin", "store/a/manifest.json", "download/shard.bin");
    }
  }

  @Test
  void listSkipsTheTemporaryFilesOfWritesInProgress() throws IOException {
    store.putBytes("a/done", utf8("x"));
    Files.writeString(root.resolve("store/a/.tmp-0123456789abcdef"), "half a shard");
    assertThat(store.list("")).containsExactly("a/done");
  }

  @Test
  void aDirectoryIsNotAnObject() {
    store.putBytes("a/b", utf8("x"));
    assertThat(store.exists("a")).isFalse();
    assertThat(store.size("a")).isEmpty();
    store.delete("a");
    assertThat(store.exists("a/b")).isTrue();
  }

  @Test
  void listOfAStoreWhoseRootDoesNotExistYetIsEmpty() {
    assertThat(store.list("")).isEmpty();
    assertThat(root.resolve("store")).doesNotExist();
  }
}
