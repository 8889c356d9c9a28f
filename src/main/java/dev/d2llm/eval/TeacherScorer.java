package dev.d2llm.eval;

import dev.d2llm.student.Branch;
import dev.d2llm.teacher.Judgement;
import dev.d2llm.teacher.Teacher;
import dev.d2llm.teacher.TextPair;
import java.util.List;
import java.util.function.IntConsumer;

/** The teacher's probabilities as scores: the upper reference the student is distilled towards. */
public final class TeacherScorer implements PairScorer {

  private final Teacher teacher;

  public TeacherScorer(Teacher teacher) {
    this.teacher = teacher;
  }

  @Override
  public double[] score(List<TextPair> pairs, Branch branch, IntConsumer progress) {
    List<Judgement> j = teacher.judge(pairs, branch, progress);
    return j.stream().mapToDouble(Judgement::score).toArray();
  }
}
