package dev.d2llm.search;

import dev.d2llm.index.VectorRows;

/** The reference kernel: plain loops, one multiply-add at a time. */
public final class ScalarScoringKernel implements ScoringKernel {

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public void dotProducts(VectorRows rows, float[] query, int from, int to, float[] out) {
    int w = rows.width();
    switch (rows) {
      case VectorRows.Floats f -> {
        float[] v = f.values();
        for (int r = from; r < to; r++) {
          float sum = 0;
          int base = r * w;
          for (int i = 0; i < w; i++) {
            sum += v[base + i] * query[i];
          }
          out[r - from] = sum;
        }
      }
      case VectorRows.Int8 q -> {
        byte[] v = q.values();
        for (int r = from; r < to; r++) {
          float sum = 0;
          int base = r * w;
          for (int i = 0; i < w; i++) {
            sum += v[base + i] * query[i];
          }
          out[r - from] = sum * q.scales()[r];
        }
      }
    }
  }
}
