package dev.d2llm.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API {@link RowKernel}: four weight rows against two input rows per pass, so each
 * weight slice is loaded once for two rows and eight independent FMA chains keep the units busy;
 * the four weight rows (at most a few dozen KiB) stay in L1 while every input row passes over them.
 */
final class VectorRowKernel implements RowKernel {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  @Override
  public void linear(
      float[] x, int rows, float[] w, float[] b, int in, int out, float[] y, int from, int to) {
    int bound = F.loopBound(in);
    int o = from;
    for (; o + 4 <= to; o += 4) {
      int r = 0;
      for (; r + 2 <= rows; r += 2) {
        fourByTwo(x, r, w, o, in, bound, out, y);
      }
      if (r < rows) {
        for (int j = 0; j < 4; j++) {
          y[r * out + o + j] = dot(x, r * in, w, (o + j) * in, in, bound);
        }
      }
    }
    for (; o < to; o++) {
      for (int r = 0; r < rows; r++) {
        y[r * out + o] = dot(x, r * in, w, o * in, in, bound);
      }
    }
    if (b != null) {
      for (int r = 0; r < rows; r++) {
        for (int j = from; j < to; j++) {
          y[r * out + j] += b[j];
        }
      }
    }
  }

  private static void fourByTwo(
      float[] x, int r, float[] w, int o, int in, int bound, int out, float[] y) {
    int x0 = r * in;
    int x1 = x0 + in;
    int w0 = o * in;
    int w1 = w0 + in;
    int w2 = w1 + in;
    int w3 = w2 + in;
    FloatVector a00 = FloatVector.zero(F);
    FloatVector a01 = a00;
    FloatVector a10 = a00;
    FloatVector a11 = a00;
    FloatVector a20 = a00;
    FloatVector a21 = a00;
    FloatVector a30 = a00;
    FloatVector a31 = a00;
    for (int i = 0; i < bound; i += F.length()) {
      FloatVector xa = FloatVector.fromArray(F, x, x0 + i);
      FloatVector xb = FloatVector.fromArray(F, x, x1 + i);
      FloatVector v = FloatVector.fromArray(F, w, w0 + i);
      a00 = v.fma(xa, a00);
      a01 = v.fma(xb, a01);
      v = FloatVector.fromArray(F, w, w1 + i);
      a10 = v.fma(xa, a10);
      a11 = v.fma(xb, a11);
      v = FloatVector.fromArray(F, w, w2 + i);
      a20 = v.fma(xa, a20);
      a21 = v.fma(xb, a21);
      v = FloatVector.fromArray(F, w, w3 + i);
      a30 = v.fma(xa, a30);
      a31 = v.fma(xb, a31);
    }
    int y0 = r * out + o;
    int y1 = y0 + out;
    y[y0] = a00.reduceLanes(VectorOperators.ADD) + tail(x, x0, w, w0, bound, in);
    y[y1] = a01.reduceLanes(VectorOperators.ADD) + tail(x, x1, w, w0, bound, in);
    y[y0 + 1] = a10.reduceLanes(VectorOperators.ADD) + tail(x, x0, w, w1, bound, in);
    y[y1 + 1] = a11.reduceLanes(VectorOperators.ADD) + tail(x, x1, w, w1, bound, in);
    y[y0 + 2] = a20.reduceLanes(VectorOperators.ADD) + tail(x, x0, w, w2, bound, in);
    y[y1 + 2] = a21.reduceLanes(VectorOperators.ADD) + tail(x, x1, w, w2, bound, in);
    y[y0 + 3] = a30.reduceLanes(VectorOperators.ADD) + tail(x, x0, w, w3, bound, in);
    y[y1 + 3] = a31.reduceLanes(VectorOperators.ADD) + tail(x, x1, w, w3, bound, in);
  }

  private static float dot(float[] x, int xo, float[] w, int wo, int in, int bound) {
    FloatVector acc = FloatVector.zero(F);
    for (int i = 0; i < bound; i += F.length()) {
      acc = FloatVector.fromArray(F, w, wo + i).fma(FloatVector.fromArray(F, x, xo + i), acc);
    }
    return acc.reduceLanes(VectorOperators.ADD) + tail(x, xo, w, wo, bound, in);
  }

  /** The columns past the last whole vector, one at a time. */
  private static float tail(float[] x, int xo, float[] w, int wo, int from, int in) {
    float s = 0;
    for (int i = from; i < in; i++) {
      s += x[xo + i] * w[wo + i];
    }
    return s;
  }
}
