package dev.d2llm.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vectors computed once, read back from disk by a later run, torn records dropped. */
class VectorCacheTest {

  /**
   * A fake encoder: a text's vector is (length, first char, 1), and every text it is asked for is
   * recorded.
   */
  private final List<String> computed = new ArrayList<>();

  private final Function<List<String>, float[][]> encoder =
      texts -> {
        computed.addAll(texts);
        return texts.stream()
            .map(t -> new float[] {t.length(), t.charAt(0), 1f})
            .toArray(float[][]::new);
      };

  @Test
  void computesEachDistinctTextOnceAndKeepsItForTheNextRun(@TempDir Path dir) {
    int[] heard = {0};
    try (VectorCache cache = VectorCache.open(dir, "enc", 3)) {
      float[][] v = cache.vectors(List.of("ab", "c", "ab"), encoder, n -> heard[0] += n);
      assertThat(v).isDeepEqualTo(new float[][] {{2, 'a', 1}, {1, 'c', 1}, {2, 'a', 1}});
      assertThat(computed).containsExactly("ab", "c");
      assertThat(heard[0]).isEqualTo(3);
    }
    computed.clear();
    try (VectorCache again = VectorCache.open(dir, "enc", 3)) {
      assertThat(again.size()).isEqualTo(2);
      assertThat(again.vectors(List.of("c", "dee"), encoder, n -> {}))
          .isDeepEqualTo(new float[][] {{1, 'c', 1}, {3, 'd', 1}});
      assertThat(computed).containsExactly("dee");
    }
  }

  @Test
  void anotherIdentityHasItsOwnFile(@TempDir Path dir) {
    try (VectorCache a = VectorCache.open(dir, "encoder a", 3);
        VectorCache b = VectorCache.open(dir, "encoder b", 3)) {
      a.vectors(List.of("x"), encoder, n -> {});
      assertThat(b.size()).isZero();
      assertThat(a.file()).isNotEqualTo(b.file());
    }
  }

  @Test
  void chunksAreAppendedAsTheyFinishAndATornRecordIsDropped(@TempDir Path dir) throws Exception {
    List<String> texts = IntStream.range(0, VectorCache.CHUNK + 5).mapToObj(i -> "t" + i).toList();
    Path file;
    try (VectorCache cache = VectorCache.open(dir, "enc", 3)) {
      cache.vectors(texts, encoder, n -> {});
      file = cache.file();
    }
    long record = 32 + 4 * 3;
    assertThat(Files.size(file)).isEqualTo(texts.size() * record);
    Files.write(file, new byte[] {1, 2, 3}, StandardOpenOption.APPEND); // a crash mid-record
    try (VectorCache reopened = VectorCache.open(dir, "enc", 3)) {
      assertThat(reopened.size()).isEqualTo(texts.size());
      assertThat(Files.size(file)).isEqualTo(texts.size() * record);
    }
  }

  @Test
  void aVectorOfAnotherWidthIsRefused(@TempDir Path dir) {
    try (VectorCache cache = VectorCache.open(dir, "enc", 4)) {
      assertThatThrownBy(() -> cache.vectors(List.of("x"), encoder, n -> {}))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("4-wide");
    }
  }
}
