package dev.d2llm.search;

import dev.d2llm.index.VectorRows;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD kernel on the Java Vector API at the CPU's preferred width: rows four at a time (each
 * query slice loaded once for four rows, four independent fused multiply-add chains, so more row
 * loads are in flight and a scan larger than the caches runs at memory speed), int8 rows widened to
 * floats in registers. Loaded only when the {@code jdk.incubator.vector} module is present (see
 * {@link ScoringKernels}).
 */
final class VectorScoringKernel implements ScoringKernel {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Byte> B =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(F.length() * 8));

  @Override
  public String name() {
    return "vector-" + F.vectorBitSize();
  }

  @Override
  public void dotProducts(VectorRows rows, float[] query, int from, int to, float[] out) {
    switch (rows) {
      case VectorRows.Floats f -> floats(f.values(), rows.width(), query, from, to, out);
      case VectorRows.Int8 q -> int8(q.values(), q.scales(), rows.width(), query, from, to, out);
    }
  }

  private static void floats(float[] v, int w, float[] query, int from, int to, float[] out) {
    int lanes = F.length();
    int bound = F.loopBound(w);
    int r = from;
    for (; r + 4 <= to; r += 4) {
      int b0 = r * w;
      int b1 = b0 + w;
      int b2 = b1 + w;
      int b3 = b2 + w;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      FloatVector a2 = FloatVector.zero(F);
      FloatVector a3 = FloatVector.zero(F);
      int i = 0;
      for (; i < bound; i += lanes) {
        FloatVector q = FloatVector.fromArray(F, query, i);
        a0 = FloatVector.fromArray(F, v, b0 + i).fma(q, a0);
        a1 = FloatVector.fromArray(F, v, b1 + i).fma(q, a1);
        a2 = FloatVector.fromArray(F, v, b2 + i).fma(q, a2);
        a3 = FloatVector.fromArray(F, v, b3 + i).fma(q, a3);
      }
      float s0 = a0.reduceLanes(VectorOperators.ADD);
      float s1 = a1.reduceLanes(VectorOperators.ADD);
      float s2 = a2.reduceLanes(VectorOperators.ADD);
      float s3 = a3.reduceLanes(VectorOperators.ADD);
      for (; i < w; i++) {
        float q = query[i];
        s0 += v[b0 + i] * q;
        s1 += v[b1 + i] * q;
        s2 += v[b2 + i] * q;
        s3 += v[b3 + i] * q;
      }
      out[r - from] = s0;
      out[r + 1 - from] = s1;
      out[r + 2 - from] = s2;
      out[r + 3 - from] = s3;
    }
    oneByOne(v, w, query, r, to, from, out);
  }

  /**
   * Rows {@code [start, to)} one at a time with two accumulators each; {@code out} is indexed from
   * {@code from}.
   */
  private static void oneByOne(
      float[] v, int w, float[] query, int start, int to, int from, float[] out) {
    int lanes = F.length();
    int bound = F.loopBound(w);
    int pairBound = w - w % (2 * lanes);
    for (int r = start; r < to; r++) {
      int base = r * w;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      int i = 0;
      for (; i < pairBound; i += 2 * lanes) {
        a0 = FloatVector.fromArray(F, v, base + i).fma(FloatVector.fromArray(F, query, i), a0);
        a1 =
            FloatVector.fromArray(F, v, base + i + lanes)
                .fma(FloatVector.fromArray(F, query, i + lanes), a1);
      }
      for (; i < bound; i += lanes) {
        a0 = FloatVector.fromArray(F, v, base + i).fma(FloatVector.fromArray(F, query, i), a0);
      }
      float sum = a0.add(a1).reduceLanes(VectorOperators.ADD);
      for (; i < w; i++) {
        sum += v[base + i] * query[i];
      }
      out[r - from] = sum;
    }
  }

  private static void int8(
      byte[] v, float[] scales, int w, float[] query, int from, int to, float[] out) {
    int lanes = F.length();
    int bound = F.loopBound(w);
    int r = from;
    for (; r + 4 <= to; r += 4) {
      int b0 = r * w;
      int b1 = b0 + w;
      int b2 = b1 + w;
      int b3 = b2 + w;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      FloatVector a2 = FloatVector.zero(F);
      FloatVector a3 = FloatVector.zero(F);
      int i = 0;
      for (; i < bound; i += lanes) {
        FloatVector q = FloatVector.fromArray(F, query, i);
        a0 = widen(v, b0 + i).fma(q, a0);
        a1 = widen(v, b1 + i).fma(q, a1);
        a2 = widen(v, b2 + i).fma(q, a2);
        a3 = widen(v, b3 + i).fma(q, a3);
      }
      float s0 = a0.reduceLanes(VectorOperators.ADD);
      float s1 = a1.reduceLanes(VectorOperators.ADD);
      float s2 = a2.reduceLanes(VectorOperators.ADD);
      float s3 = a3.reduceLanes(VectorOperators.ADD);
      for (; i < w; i++) {
        float q = query[i];
        s0 += v[b0 + i] * q;
        s1 += v[b1 + i] * q;
        s2 += v[b2 + i] * q;
        s3 += v[b3 + i] * q;
      }
      out[r - from] = s0 * scales[r];
      out[r + 1 - from] = s1 * scales[r + 1];
      out[r + 2 - from] = s2 * scales[r + 2];
      out[r + 3 - from] = s3 * scales[r + 3];
    }
    for (; r < to; r++) {
      int base = r * w;
      FloatVector acc = FloatVector.zero(F);
      int i = 0;
      for (; i < bound; i += lanes) {
        acc = widen(v, base + i).fma(FloatVector.fromArray(F, query, i), acc);
      }
      float sum = acc.reduceLanes(VectorOperators.ADD);
      for (; i < w; i++) {
        sum += v[base + i] * query[i];
      }
      out[r - from] = sum * scales[r];
    }
  }

  /** {@code F.length()} int8 values from {@code offset}, as floats. */
  private static FloatVector widen(byte[] v, int offset) {
    return (FloatVector) ByteVector.fromArray(B, v, offset).convertShape(VectorOperators.B2F, F, 0);
  }
}
