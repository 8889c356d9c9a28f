package dev.d2llm.search;

import dev.d2llm.index.VectorRows;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD kernel on the Java Vector API at the CPU's preferred width: fused multiply-adds into
 * two accumulators per row, int8 rows widened to floats in registers. Loaded only when the
 * {@code jdk.incubator.vector} module is present (see {@link ScoringKernels}).
 */
final class VectorScoringKernel implements ScoringKernel {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(F.length() * 8));

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
    int pairBound = w - w % (2 * lanes);
    for (int r = from; r < to; r++) {
      int base = r * w;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      int i = 0;
      for (; i < pairBound; i += 2 * lanes) {
        a0 = FloatVector.fromArray(F, v, base + i).fma(FloatVector.fromArray(F, query, i), a0);
        a1 = FloatVector.fromArray(F, v, base + i + lanes).fma(FloatVector.fromArray(F, query, i + lanes), a1);
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

  private static void int8(byte[] v, float[] scales, int w, float[] query, int from, int to, float[] out) {
    int lanes = F.length();
    int bound = F.loopBound(w);
    for (int r = from; r < to; r++) {
      int base = r * w;
      FloatVector acc = FloatVector.zero(F);
      int i = 0;
      for (; i < bound; i += lanes) {
        FloatVector x = (FloatVector) ByteVector.fromArray(B, v, base + i).convertShape(VectorOperators.B2F, F, 0);
        acc = x.fma(FloatVector.fromArray(F, query, i), acc);
      }
      float sum = acc.reduceLanes(VectorOperators.ADD);
      for (; i < w; i++) {
        sum += v[base + i] * query[i];
      }
      out[r - from] = sum * scales[r];
    }
  }
}
