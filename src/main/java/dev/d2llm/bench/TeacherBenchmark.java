package dev.d2llm.bench;

import dev.d2llm.student.Branch;
import dev.d2llm.teacher.CrossEncoderTeacher;
import dev.d2llm.teacher.CrossEncoderTraining;
import dev.d2llm.teacher.LlmTeacher;
import dev.d2llm.teacher.ScoredPair;
import dev.d2llm.teacher.Teacher;
import dev.d2llm.teacher.TextPair;
import dev.d2llm.text.TokenPair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * Throughput of a teacher as its jobs use it: pairs judged per second ({@code teacher score}, the
 * median of timed passes after a warm-up), and for a cross-encoder pairs trained per second ({@code
 * teacher train}'s steps after a few warm-up steps). It can write the token ids it ran on, so that
 * a Python peer (gpu/bench_teacher.py) runs the same rows.
 */
public final class TeacherBenchmark {

  /**
   * What a measurement found: pairs, their real tokens, the median seconds of a pass and the rate.
   */
  public record Result(int pairs, long tokens, double seconds, double pairsPerSecond) {

    /** Real (unpadded) tokens per second. */
    public double tokensPerSecond() {
      return tokens / seconds;
    }
  }

  private TeacherBenchmark() {}

  /** Judges {@code pairs} once to warm up, then {@code repeats} times; the median pass counts. */
  public static Result scoring(Teacher teacher, List<TextPair> pairs, Branch branch, int repeats) {
    if (repeats < 1 || pairs.isEmpty()) {
      throw new IllegalArgumentException(
          "need pairs and repeats >= 1, found " + pairs.size() + " and " + repeats);
    }
    teacher.judge(pairs, branch, n -> {});
    double[] seconds = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long start = System.nanoTime();
      teacher.judge(pairs, branch, n -> {});
      seconds[r] = (System.nanoTime() - start) / 1e9;
    }
    Arrays.sort(seconds);
    double median = seconds[repeats / 2];
    return new Result(
        pairs.size(), tokens(inputIds(teacher, pairs, branch)), median, pairs.size() / median);
  }

  /**
   * Trains {@code teacher} in place for {@code steps} steps of {@code batch} pairs (targets
   * alternating 1 and 0), the way {@code teacher train} does, and times the steps after the first
   * {@code warmup}. The epoch's closing dev pass and save go to {@code scratch} and are not timed.
   */
  public static Result training(
      CrossEncoderTeacher teacher,
      List<TextPair> pairs,
      int batch,
      int steps,
      int warmup,
      Path scratch) {
    if (steps <= warmup || warmup < 1 || batch < 1) {
      throw new IllegalArgumentException(
          "need batch >= 1 and steps > warmup >= 1, found " + batch + ", " + steps + ", " + warmup);
    }
    if (pairs.size() < (long) batch * steps) {
      throw new IllegalArgumentException(
          steps
              + " steps of "
              + batch
              + " need "
              + (long) batch * steps
              + " pairs, found "
              + pairs.size());
    }
    List<ScoredPair> train = new ArrayList<>();
    for (int i = 0; i < batch * steps; i++) {
      train.add(new ScoredPair(pairs.get(i), i % 2 == 0 ? 1f : 0f));
    }
    long[] at = new long[steps + 1];
    var options = new CrossEncoderTraining.Options(1, batch, 2e-5f, 0.1f, 0.01f, 1.0, 1);
    CrossEncoderTraining.train(
        teacher,
        train,
        train.subList(0, Math.min(8, train.size())),
        options,
        scratch,
        new CrossEncoderTraining.Listener() {
          @Override
          public void step(long step, long totalSteps, double loss) {
            at[(int) step] = System.nanoTime();
          }

          @Override
          public void epoch(int epoch, double devSpearman, boolean saved) {}
        });
    double seconds = (at[steps] - at[warmup]) / 1e9;
    int timedPairs = batch * (steps - warmup);
    // Training shuffles the epoch, so which pairs the timed steps held is not known here: their
    // tokens are the epoch's mean per pair times the timed pairs.
    long epochTokens =
        tokens(
            teacher.encode(train.stream().map(ScoredPair::pair).toList()).stream()
                .map(TokenPair::ids)
                .toList());
    long timedTokens = Math.round((double) epochTokens * timedPairs / train.size());
    return new Result(timedPairs, timedTokens, seconds, timedPairs / seconds);
  }

  /**
   * The token ids the teacher runs on for each pair: a cross-encoder's pair encoding or an LLM's
   * prompt.
   */
  public static List<long[]> inputIds(Teacher teacher, List<TextPair> pairs, Branch branch) {
    return switch (teacher) {
      case CrossEncoderTeacher c -> c.encode(pairs).stream().map(TokenPair::ids).toList();
      case LlmTeacher l -> l.promptIds(pairs, branch);
      default ->
          throw new IllegalArgumentException(
              "no token ids for " + teacher.getClass().getSimpleName());
    };
  }

  /**
   * Writes one line per pair: its token ids, and for a cross-encoder {@code |} and its token type
   * ids, space-separated.
   */
  public static void writeIds(Teacher teacher, List<TextPair> pairs, Branch branch, Path file) {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      if (teacher instanceof CrossEncoderTeacher c) {
        for (TokenPair p : c.encode(pairs)) {
          out.write(join(p.ids()) + "|" + join(p.typeIds()) + "\n");
        }
      } else {
        for (long[] ids : inputIds(teacher, pairs, branch)) {
          out.write(join(ids) + "\n");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not write token ids to " + file, e);
    }
  }

  private static String join(long[] ids) {
    return LongStream.of(ids).mapToObj(Long::toString).collect(Collectors.joining(" "));
  }

  private static long tokens(List<long[]> ids) {
    return ids.stream().mapToLong(a -> a.length).sum();
  }
}
