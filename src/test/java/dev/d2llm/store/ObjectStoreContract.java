package dev.d2llm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The behaviour every {@link ObjectStore} owes, whatever medium holds the objects. */
abstract class ObjectStoreContract {

  /** A new, empty store; each test gets its own. */
  abstract ObjectStore newStore();

  /** How many keys one listing page holds in the store under test, so paging gets exercised. */
  abstract int pageSize();

  @TempDir Path local;

  ObjectStore store;

  @BeforeEach
  void openStore() {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  @Test
  void bytesWrittenAreReadBackUnchanged() {
    store.putBytes("index/manifest.json", utf8("{\"version\": 3}"));
    assertThat(store.readBytes("index/manifest.json"))
        .asString(StandardCharsets.UTF_8)
        .isEqualTo("{\"version\": 3}");
  }

  @Test
  void emptyObjectsAreObjectsToo() {
    store.putBytes("empty", new byte[0]);
    assertThat(store.exists("empty")).isTrue();
    assertThat(store.size("empty")).hasValue(0);
    assertThat(store.readBytes("empty")).isEmpty();
  }

  @Test
  void uploadedFileIsDownloadedUnchanged() throws IOException {
    byte[] shard = randomBytes(3 * 1024 * 1024 + 17, 1);
    Path source = Files.write(local.resolve("shard.bin"), shard);
    store.put("shards/000.bin", source);

    Path target = local.resolve("copy/of/shard.bin");
    store.download("shards/000.bin", target);
    assertThat(target).hasBinaryContent(shard);
    assertThat(store.size("shards/000.bin")).hasValue(shard.length);
  }

  @Test
  void openStreamsTheObjectsContent() throws IOException {
    byte[] content = randomBytes(100_000, 2);
    store.putBytes("a/b", content);
    try (InputStream in = store.open("a/b")) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void keysWithSpacesAndPunctuationRoundTrip() {
    String key = "dir with space/a+b:c=d,é@ü (1).bin";
    store.putBytes(key, utf8("odd"));
    assertThat(store.readBytes(key)).asString(StandardCharsets.UTF_8).isEqualTo("odd");
    assertThat(store.list("")).containsExactly(key);
  }

  @Test
  void overwritingAKeyReplacesItsContent() {
    store.putBytes("pointer", utf8("versions/1/"));
    store.putBytes("pointer", utf8("versions/2/"));
    assertThat(store.readBytes("pointer"))
        .asString(StandardCharsets.UTF_8)
        .isEqualTo("versions/2/");
    assertThat(store.size("pointer")).hasValue(11);
    assertThat(store.list("")).containsExactly("pointer");
  }

  @Test
  void openOfAMissingKeyNamesTheKeyAndTheStore() {
    assertThatThrownBy(() -> store.open("no/such/key"))
        .isInstanceOfSatisfying(
            ObjectNotFoundException.class,
            e -> {
              assertThat(e.key()).isEqualTo("no/such/key");
              assertThat(e.store()).isEqualTo(store.uri());
            })
        .hasMessageContaining("'no/such/key'")
        .hasMessageContaining(store.uri().toString());
  }

  @Test
  void readBytesOfAMissingKeyThrowsObjectNotFound() {
    assertThatThrownBy(() -> store.readBytes("missing"))
        .isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  void existsAndSizeReportAMissingKeyAsAbsent() {
    assertThat(store.exists("missing")).isFalse();
    assertThat(store.size("missing")).isEqualTo(OptionalLong.empty());
  }

  @Test
  void downloadOfAMissingKeyLeavesTheTargetDirectoryAsItWas() throws IOException {
    Path target = local.resolve("out/manifest.json");
    Files.createDirectories(target.getParent());
    Files.writeString(target.resolveSibling("other"), "keep");

    assertThatThrownBy(() -> store.download("missing", target))
        .isInstanceOf(ObjectNotFoundException.class);
    assertThat(target).doesNotExist();
    try (var files = Files.list(target.getParent())) {
      assertThat(files.map(file -> file.getFileName().toString())).containsExactly("other");
    }
  }

  @Test
  void downloadOfAMissingKeyKeepsAnExistingTarget() throws IOException {
    Path target = Files.writeString(local.resolve("manifest.json"), "old");
    assertThatThrownBy(() -> store.download("missing", target))
        .isInstanceOf(ObjectNotFoundException.class);
    assertThat(target).hasContent("old");
  }

  @Test
  void downloadReplacesAnExistingTarget() throws IOException {
    Path target = Files.writeString(local.resolve("manifest.json"), "old and longer");
    store.putBytes("manifest.json", utf8("new"));
    store.download("manifest.json", target);
    assertThat(target).hasContent("new");
    try (var files = Files.list(local)) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void uploadOfAMissingFileFailsAndStoresNothing() {
    assertThatThrownBy(() -> store.put("shard", local.resolve("no-such-file")))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("no-such-file");
    assertThat(store.exists("shard")).isFalse();
  }

  @Test
  void deleteRemovesTheObject() {
    store.putBytes("a/1", utf8("x"));
    store.putBytes("a/2", utf8("y"));
    store.delete("a/1");
    assertThat(store.exists("a/1")).isFalse();
    assertThat(store.list("")).containsExactly("a/2");
    assertThatThrownBy(() -> store.open("a/1")).isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  void deletingAMissingKeyIsNotAnError() {
    store.delete("never/written");
    assertThat(store.exists("never/written")).isFalse();
  }

  @Test
  void listReturnsTheKeysUnderAPrefixInOrder() {
    for (String key :
        List.of(
            "versions/2/b",
            "versions/10/a",
            "pointer",
            "versions/2/a",
            "versions/1/z",
            "versionsX")) {
      store.putBytes(key, utf8(key));
    }
    assertThat(store.list("versions/"))
        .containsExactly("versions/1/z", "versions/10/a", "versions/2/a", "versions/2/b");
    assertThat(store.list("versions/1")).containsExactly("versions/1/z", "versions/10/a");
    assertThat(store.list("versions/2/")).containsExactly("versions/2/a", "versions/2/b");
    assertThat(store.list(""))
        .containsExactly(
            "pointer",
            "versions/1/z",
            "versions/10/a",
            "versions/2/a",
            "versions/2/b",
            "versionsX");
  }

  @Test
  void listOfAPrefixWithNoKeysIsEmpty() {
    store.putBytes("a/b", utf8("x"));
    assertThat(store.list("b/")).isEmpty();
    assertThat(store.list("a/b/c")).isEmpty();
  }

  @Test
  void listReturnsEveryKeyAcrossManyPages() {
    int count = pageSize() * 3 + 1;
    List<String> keys = new ArrayList<>();
    IntStream.range(0, count).forEach(i -> keys.add(String.format("shards/%05d.bin", i)));
    keys.reversed().forEach(key -> store.putBytes(key, new byte[] {1}));
    assertThat(store.list("shards/")).isEqualTo(keys);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/abs",
        "a/../b",
        "..",
        "./a",
        "a/./b",
        "a\\b",
        "a//b",
        "a/",
        ".tmp-123",
        "a/.tmp-x/b"
      })
  void malformedKeysAreRejectedNamingTheKey(String key) {
    assertThatThrownBy(() -> store.putBytes(key, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key.isEmpty() ? "must not be empty" : "'" + key + "'");
    assertThatThrownBy(() -> store.open(key)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.exists(key)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.delete(key)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.download(key, local.resolve("x")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/abs", "../x", "a/../", "a\\b", "a//"})
  void malformedPrefixesAreRejectedNamingThePrefix(String prefix) {
    assertThatThrownBy(() -> store.list(prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + prefix + "'");
  }

  @Test
  void uriOfAKeyIsTheStoreUriFollowedByTheEncodedKey() {
    assertThat(store.uri().toString()).endsWith("/");
    assertThat(store.uri("versions/3/manifest.json"))
        .isEqualTo(store.uri().resolve("versions/3/manifest.json"));
    assertThat(store.uri("a b/c%d").toString()).isEqualTo(store.uri() + "a%20b/c%25d");
  }

  @Test
  void childSeesTheObjectsUnderItsPrefixWithoutThePrefix() {
    store.putBytes("versions/7/manifest.json", utf8("m"));
    store.putBytes("versions/70/manifest.json", utf8("other"));
    try (ObjectStore child = store.child("versions/7")) {
      assertThat(child.uri()).isEqualTo(store.uri().resolve("versions/7/"));
      assertThat(child.list("")).containsExactly("manifest.json");
      assertThat(child.readBytes("manifest.json")).asString(StandardCharsets.UTF_8).isEqualTo("m");

      child.putBytes("shards/0.bin", utf8("s"));
      assertThat(store.readBytes("versions/7/shards/0.bin"))
          .asString(StandardCharsets.UTF_8)
          .isEqualTo("s");
      assertThat(child.uri("shards/0.bin")).isEqualTo(store.uri("versions/7/shards/0.bin"));
      assertThat(child.localPath("shards/0.bin"))
          .isEqualTo(store.localPath("versions/7/shards/0.bin"));
    }
    // Closing the child leaves the parent usable.
    assertThat(store.exists("versions/7/manifest.json")).isTrue();
  }

  @Test
  void childReportsAMissingKeyByItsOwnName() {
    try (ObjectStore child = store.child("versions/7/")) {
      assertThatThrownBy(() -> child.open("manifest.json"))
          .isInstanceOfSatisfying(
              ObjectNotFoundException.class,
              e -> {
                assertThat(e.key()).isEqualTo("manifest.json");
                assertThat(e.store()).isEqualTo(child.uri());
              });
    }
  }
}
