package dev.d2llm.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.d2llm.student.Branch;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The content-keyed teacher cache: order-independent, resumable after a torn write. */
class TeacherScoreCacheTest {

  /** A teacher whose score is a function of the texts, counting what it is asked. */
  static class CountingTeacher implements Teacher {
    final List<TextPair> asked = new ArrayList<>();

    @Override
    public List<Judgement> judge(List<TextPair> pairs, Branch branch, IntConsumer progress) {
      asked.addAll(pairs);
      return pairs.stream()
          .map(
              p ->
                  new Judgement(
                      (p.query().length() % 7) / 7f,
                      new float[] {p.query().length(), p.passage().length()}))
          .toList();
    }

    @Override
    public String identity() {
      return "counting";
    }

    @Override
    public void close() {}
  }

  private static final List<TextPair> PAIRS =
      List.of(
          new TextPair("a", "bb"),
          new TextPair("ccc", "d"),
          new TextPair("eeee", "ff"),
          new TextPair("a", "bb"));

  @Test
  void reopenedCacheScoresNothingTwiceWhateverTheOrder(@TempDir Path dir) {
    CountingTeacher teacher = new CountingTeacher();
    try (TeacherScoreCache cache = TeacherScoreCache.open(dir.resolve("t.bin"))) {
      assertThat(cache.fill(teacher, Branch.SYMMETRIC, PAIRS, 2, n -> {})).isEqualTo(3);
    }
    try (TeacherScoreCache cache = TeacherScoreCache.open(dir.resolve("t.bin"))) {
      assertThat(
              cache.fill(
                  teacher, Branch.SYMMETRIC, List.of(PAIRS.get(2), PAIRS.get(0)), 2, n -> {}))
          .isZero();
      assertThat(cache.get("counting", Branch.SYMMETRIC, new TextPair("ccc", "d")).feature())
          .containsExactly(3f, 1f);
      assertThat(cache.get("counting", Branch.ASYMMETRIC, new TextPair("ccc", "d"))).isNull();
    }
    assertThat(teacher.asked).hasSize(3);
  }

  @Test
  void copiesOfATeacherShareThePairsOutAndScoreEachOnce(@TempDir Path dir) {
    List<TextPair> pairs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      pairs.add(new TextPair("q".repeat(i + 1), "p" + i));
    }
    CountingTeacher slow1 = new SlowTeacher();
    CountingTeacher slow2 = new SlowTeacher();
    try (TeacherScoreCache cache = TeacherScoreCache.open(dir.resolve("t.bin"))) {
      assertThat(cache.fill(List.of(slow1, slow2), Branch.ASYMMETRIC, pairs, 3, n -> {}))
          .isEqualTo(40);
    }
    assertThat(slow1.asked).as("both copies worked").isNotEmpty();
    assertThat(slow2.asked).isNotEmpty();
    List<TextPair> all = new ArrayList<>(slow1.asked);
    all.addAll(slow2.asked);
    assertThat(all).containsExactlyInAnyOrderElementsOf(pairs);
    try (TeacherScoreCache cache = TeacherScoreCache.open(dir.resolve("t.bin"))) {
      for (TextPair p : pairs) {
        assertThat(cache.get("counting", Branch.ASYMMETRIC, p).score())
            .isEqualTo((p.query().length() % 7) / 7f);
      }
    }
  }

  @Test
  void copiesMustShareTheTeachersIdentity(@TempDir Path dir) {
    Teacher other =
        new CountingTeacher() {
          @Override
          public String identity() {
            return "another";
          }
        };
    try (TeacherScoreCache cache = TeacherScoreCache.open(dir.resolve("t.bin"))) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  cache.fill(
                      List.of(new CountingTeacher(), other), Branch.ASYMMETRIC, PAIRS, 2, n -> {}))
          .hasMessageContaining("teacher copies differ");
    }
  }

  /** A counting teacher that takes a while per batch, so that two copies both get work. */
  static class SlowTeacher extends CountingTeacher {
    @Override
    public List<Judgement> judge(List<TextPair> pairs, Branch branch, IntConsumer progress) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return super.judge(pairs, branch, progress);
    }
  }

  @Test
  void missingCountsDistinctUnscoredPairsOfThatTeacherAndBranch(@TempDir Path dir) {
    try (TeacherScoreCache cache = TeacherScoreCache.open(dir.resolve("t.bin"))) {
      assertThat(cache.missing("counting", Branch.SYMMETRIC, PAIRS)).isEqualTo(3);
      cache.fill(new CountingTeacher(), Branch.SYMMETRIC, PAIRS.subList(0, 2), 2, n -> {});
      assertThat(cache.missing("counting", Branch.SYMMETRIC, PAIRS)).isEqualTo(1);
      assertThat(cache.missing("counting", Branch.ASYMMETRIC, PAIRS)).isEqualTo(3);
      assertThat(cache.missing("another", Branch.SYMMETRIC, PAIRS)).isEqualTo(3);
    }
  }

  @Test
  void aTeachersIdentityIsKnownFromItsDirectoryWithoutLoadingIt() {
    Path bert = Path.of("test/resources/models/tiny-bert");
    Path qwen = Path.of("test/resources/models/tiny-qwen2");
    try (Teacher crossEncoder = Teachers.open(bert, "en", ai.djl.Device.cpu());
        Teacher llm = Teachers.open(qwen, "zh", ai.djl.Device.cpu())) {
      assertThat(Teachers.identity(bert, "en")).isEqualTo(crossEncoder.identity());
      assertThat(Teachers.identity(qwen, "zh"))
          .isEqualTo(llm.identity())
          .isNotEqualTo(Teachers.identity(qwen, "en"));
    }
  }

  @Test
  void aTornLastRecordIsDroppedAndRescored(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("t.bin");
    CountingTeacher teacher = new CountingTeacher();
    try (TeacherScoreCache cache = TeacherScoreCache.open(file)) {
      cache.fill(teacher, Branch.SYMMETRIC, PAIRS, 1, n -> {});
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 3); // a crash in the middle of the last record
    }

    try (TeacherScoreCache cache = TeacherScoreCache.open(file)) {
      assertThat(cache.size()).isEqualTo(2);
      assertThat(cache.fill(teacher, Branch.SYMMETRIC, PAIRS, 2, n -> {})).isEqualTo(1);
    }
    try (TeacherScoreCache cache = TeacherScoreCache.open(file)) {
      assertThat(cache.size()).isEqualTo(3);
    }
  }
}
