package dev.d2llm.teacher;

import dev.d2llm.student.Branch;
import java.util.List;
import java.util.function.IntConsumer;

/** A cross-encoder that judges pairs; the student is distilled from its scores and features. */
public interface Teacher extends AutoCloseable {

  /**
   * One judgement per pair, in input order, reporting each finished batch's size to {@code
   * progress}.
   */
  List<Judgement> judge(List<TextPair> pairs, Branch branch, IntConsumer progress);

  /**
   * How many pairs a caller should hand {@link #judge} at once (a score cache appends and forces
   * each such chunk): enough for the teacher to fill its batches.
   */
  default int pairsPerCall() {
    return 256;
  }

  /** What identifies this teacher's outputs (model and prompts), for content-keyed caches. */
  String identity();

  @Override
  void close();
}
