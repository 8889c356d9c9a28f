package dev.d2llm.distill.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** A small fixed batch (B=2, K=3, E=2) shared by the loss tests, as plain Java arrays. */
final class Fixtures {

  static final int B = 2;
  static final int K = 3;
  static final int E = 2;

  static final double[] POSITIVE_LOGITS = {1.2, -0.3};
  static final double[] POSITIVE_TEACHER = {0.9, 0.6};
  static final double[][] HARD_LOGITS = {{0.8, -0.5, 0.1}, {0.4, 1.1, -0.7}};
  static final double[][] HARD_TEACHER = {{0.7, 0.2, 0.4}, {0.3, 0.8, 0.1}};
  static final double[][] EASY_LOGITS = {{-0.2, 0.5}, {0.9, -1.0}};
  static final double[][] EASY_TEACHER = {{0.1, 0.5}, {0.35, 0.05}};

  /** Student z(q_i, p_j) for a batch of three. */
  static final double[][] IN_BATCH_LOGITS = {{2.0, 0.5, -1.0}, {0.3, 1.5, 0.2}, {-0.4, 0.9, 0.7}};

  /** Student features [B, K+1, 3]. */
  static final double[][][] STUDENT_FEATURES = {
    {{0.5, -1.0, 0.3}, {0.2, 0.4, -0.8}, {-0.6, 0.1, 0.9}, {1.1, 0.7, -0.2}},
    {{-0.3, 0.8, 0.5}, {0.9, -0.4, 0.6}, {0.2, 0.2, -1.2}, {-0.7, -0.5, 0.4}}
  };

  /** Teacher features [B, K+1, 4]: a different width from the student's. */
  static final double[][][] TEACHER_FEATURES = {
    {{0.3, 0.9, -0.4, 0.2}, {-0.5, 0.6, 0.8, -0.1}, {0.7, -0.2, 0.1, 0.9}, {0.4, 0.4, -0.6, -0.3}},
    {{1.0, 0.1, 0.2, -0.5}, {-0.2, -0.9, 0.3, 0.6}, {0.6, 0.5, -0.7, 0.1}, {-0.1, 0.3, 0.9, 0.4}}
  };

  private Fixtures() {}

  static float[] flat(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }

  static float[] flat(double[][] values) {
    int cols = values[0].length;
    float[] out = new float[values.length * cols];
    for (int i = 0; i < values.length; i++) {
      for (int j = 0; j < cols; j++) {
        out[i * cols + j] = (float) values[i][j];
      }
    }
    return out;
  }

  static float[] flat(double[][][] values) {
    int rows = values[0].length;
    int cols = values[0][0].length;
    float[] out = new float[values.length * rows * cols];
    for (int b = 0; b < values.length; b++) {
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          out[(b * rows + i) * cols + j] = (float) values[b][i][j];
        }
      }
    }
    return out;
  }

  static Shape shape(double[] values) {
    return new Shape(values.length);
  }

  static Shape shape(double[][] values) {
    return new Shape(values.length, values[0].length);
  }

  static Shape shape(double[][][] values) {
    return new Shape(values.length, values[0].length, values[0][0].length);
  }

  static NDArray array(NDManager m, double[] values) {
    return m.create(flat(values), shape(values));
  }

  static NDArray array(NDManager m, double[][] values) {
    return m.create(flat(values), shape(values));
  }

  static NDArray array(NDManager m, double[][][] values) {
    return m.create(flat(values), shape(values));
  }

  static GradientCheck.Input input(String name, double[] values) {
    return new GradientCheck.Input(name, flat(values), shape(values));
  }

  static GradientCheck.Input input(String name, double[][] values) {
    return new GradientCheck.Input(name, flat(values), shape(values));
  }

  static GradientCheck.Input input(String name, double[][][] values) {
    return new GradientCheck.Input(name, flat(values), shape(values));
  }
}
