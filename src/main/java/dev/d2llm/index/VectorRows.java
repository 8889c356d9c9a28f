package dev.d2llm.index;

/**
 * A row-major matrix of passage vectors in memory: plain floats, or int8 with one scale per row.
 */
public sealed interface VectorRows permits VectorRows.Floats, VectorRows.Int8 {

  /** Number of rows. */
  int rows();

  /** Values per row. */
  int width();

  /** Bytes the matrix occupies, what one full scan reads. */
  long bytes();

  /** Row {@code r} as floats (dequantised for int8). */
  float[] row(int r);

  /** fp32 rows (fp16 shards are widened to these on load). */
  record Floats(float[] values, int rows, int width) implements VectorRows {
    public Floats {
      if ((long) rows * width != values.length) {
        throw new IllegalArgumentException(
            rows + " x " + width + " does not match " + values.length + " values");
      }
    }

    @Override
    public long bytes() {
      return 4L * values.length;
    }

    @Override
    public float[] row(int r) {
      float[] out = new float[width];
      System.arraycopy(values, r * width, out, 0, width);
      return out;
    }
  }

  /** int8 rows: row r's true values are {@code values[r*width + i] * scales[r]}. */
  record Int8(byte[] values, float[] scales, int rows, int width) implements VectorRows {
    public Int8 {
      if ((long) rows * width != values.length || scales.length != rows) {
        throw new IllegalArgumentException(
            rows
                + " x "
                + width
                + " does not match "
                + values.length
                + " values and "
                + scales.length
                + " scales");
      }
    }

    /**
     * fp32 rows quantised as the index writer stores int8 rows (per row, {@code scale = max|x| /
     * 127}).
     */
    public static Int8 quantize(Floats rows) {
      int w = rows.width();
      byte[] values = new byte[rows.values().length];
      float[] scales = new float[rows.rows()];
      for (int r = 0; r < rows.rows(); r++) {
        float[] row = rows.row(r);
        scales[r] = Int8Rows.scale(row);
        for (int i = 0; i < w; i++) {
          values[r * w + i] = Int8Rows.quantize(row[i], scales[r]);
        }
      }
      return new Int8(values, scales, rows.rows(), w);
    }

    @Override
    public long bytes() {
      return values.length + 4L * scales.length;
    }

    @Override
    public float[] row(int r) {
      float[] out = new float[width];
      for (int i = 0; i < width; i++) {
        out[i] = values[r * width + i] * scales[r];
      }
      return out;
    }
  }
}
