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
  static final class CountingTeacher implements Teacher {
    final List<TextPair> asked = new ArrayList<>();

    @Override
    public List<Judgement> judge(List<TextPair> pairs, Branch branch, IntConsumer progress) {
      asked.addAll(pairs);
      return pairs.stream().map(p -> new Judgement((p.query().length() % 7) / 7f,
          new float[] {p.query().length(), p.passage().length()})).toList();
    }

    @Override
    public String identity() {
      return "counting";
    }

    @Override
    public void close() {}
  }

  private static final List<TextPair> PAIRS = List.of(
      new TextPair("a", "bb"), new TextPair("ccc", "d"), new TextPair("eeee", "ff"), new TextPair("a", "bb"));

  @Test
  void reopenedCacheScoresNothingTwiceWhateverTheOrder(@TempDir Path dir) {
    CountingTeacher teacher = new CountingTeacher();
    try (TeacherScoreCache cache = TeacherScoreCache.open(dir.resolve("t.bin"))) {
      assertThat(cache.fill(teacher, Branch.SYMMETRIC, PAIRS, 2, n -> {})).isEqualTo(3);
    }
    try (TeacherScoreCache cache = TeacherScoreCache.open(dir.resolve("t.bin"))) {
      assertThat(cache.fill(teacher, Branch.SYMMETRIC, List.of(PAIRS.get(2), PAIRS.get(0)), 2, n -> {})).isZero();
      assertThat(cache.get("counting", Branch.SYMMETRIC, new TextPair("ccc", "d")).feature()).containsExactly(3f, 1f);
      assertThat(cache.get("counting", Branch.ASYMMETRIC, new TextPair("ccc", "d"))).isNull();
    }
    assertThat(teacher.asked).hasSize(3);
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
      assertThat(Teachers.identity(qwen, "zh")).isEqualTo(llm.identity()).isNotEqualTo(Teachers.identity(qwen, "en"));
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
