package dev.d2llm.distill.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * One training batch's student logits and features and the teacher's probabilities and features, as
 * the losses take them: B queries, each with its positive, K hard negatives and E easy negatives.
 * The shapes are checked together here, so a wrong one fails before any loss runs.
 *
 * @param inBatchLogits student {@code z(q_i, p_j)} for every query i and batch positive j, [B,B]
 * @param positiveLogits student logit of each query's positive, [B]
 * @param positiveTeacher teacher probability of each query's positive, [B]
 * @param hardLogits student logits of the hard negatives, [B,K], K ≥ 1
 * @param hardTeacher teacher probabilities of the hard negatives, [B,K]
 * @param easyLogits student logits of the easy (in-batch) negatives, [B,E], E ≥ 1
 * @param easyTeacher teacher probabilities of the easy negatives, [B,E]
 * @param studentFeatures student branch features of the positive then the hard negatives, [B,K+1,m]
 * @param teacherFeatures teacher features of the same candidates, [B,K+1,n]
 */
public record DistillationBatch(
    NDArray inBatchLogits,
    NDArray positiveLogits,
    NDArray positiveTeacher,
    NDArray hardLogits,
    NDArray hardTeacher,
    NDArray easyLogits,
    NDArray easyTeacher,
    NDArray studentFeatures,
    NDArray teacherFeatures) {

  public DistillationBatch {
    Shape inBatch = Shapes.requireRank("inBatchLogits", inBatchLogits, 2, "(B, B)");
    long b = inBatch.get(0);
    if (b == 0 || inBatch.get(1) != b) {
      throw new IllegalArgumentException(
          "inBatchLogits: expected shape (B, B) with B > 0, found " + inBatch);
    }
    Shapes.require("positiveLogits", positiveLogits, b);
    Shapes.require("positiveTeacher", positiveTeacher, b);
    Shape hard = Shapes.requireRank("hardLogits", hardLogits, 2, "(" + b + ", K)");
    long k = hard.get(1);
    if (hard.get(0) != b || k == 0) {
      throw new IllegalArgumentException(
          "hardLogits: expected shape (" + b + ", K) with K > 0, found " + hard);
    }
    Shapes.require("hardTeacher", hardTeacher, b, k);
    Shape easy = Shapes.requireRank("easyLogits", easyLogits, 2, "(" + b + ", E)");
    if (easy.get(0) != b || easy.get(1) == 0) {
      throw new IllegalArgumentException(
          "easyLogits: expected shape (" + b + ", E) with E > 0, found " + easy);
    }
    Shapes.require("easyTeacher", easyTeacher, easy.getShape());
    Shape student =
        Shapes.requireRank(
            "studentFeatures", studentFeatures, 3, "(" + b + ", " + (k + 1) + ", m)");
    if (student.get(0) != b || student.get(1) != k + 1) {
      throw new IllegalArgumentException(
          "studentFeatures: expected shape (" + b + ", " + (k + 1) + ", m), found " + student);
    }
    Shape teacher =
        Shapes.requireRank(
            "teacherFeatures", teacherFeatures, 3, "(" + b + ", " + (k + 1) + ", n)");
    if (teacher.get(0) != b || teacher.get(1) != k + 1) {
      throw new IllegalArgumentException(
          "teacherFeatures: expected shape (" + b + ", " + (k + 1) + ", n), found " + teacher);
    }
  }

  /** Number of queries, B. */
  public long queries() {
    return inBatchLogits.getShape().get(0);
  }

  /** Hard negatives per query, K. */
  public long hardNegatives() {
    return hardLogits.getShape().get(1);
  }

  /** Student logits of each query's candidates, positive first then the hard negatives, [B,1+K]. */
  public NDArray candidateLogits() {
    return positiveLogits.expandDims(1).concat(hardLogits, 1);
  }

  /**
   * Teacher probabilities of each query's candidates, positive first then the hard negatives,
   * [B,1+K].
   */
  public NDArray candidateTeacher() {
    return positiveTeacher.expandDims(1).concat(hardTeacher, 1);
  }
}
