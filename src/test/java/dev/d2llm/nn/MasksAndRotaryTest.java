package dev.d2llm.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MasksAndRotaryTest {

  private final NDManager m = NDManager.newBaseManager();

  @AfterEach
  void close() {
    m.close();
  }

  @Test
  void positionsCountRealTokensSoLeftPaddingIsNeutral() {
    NDArray mask = m.create(new long[] {0, 0, 1, 1, 1, 1, 1, 1, 0, 0}, new Shape(2, 5));
    long[] pos = RotaryEmbedding.positionsFromMask(mask).toLongArray();
    assertThat(pos).containsExactly(0, 0, 0, 1, 2, 0, 1, 2, 2, 2);
  }

  @Test
  void causalMaskHidesFutureAndPaddedKeys() {
    NDArray mask = m.create(new long[] {0, 1, 1}, new Shape(1, 3));
    float[] add = Attention.causalPaddingMask(mask, DataType.FLOAT32).toFloatArray(); // [1,1,3,3]
    float min = -Float.MAX_VALUE;
    // row q=1: key 0 is padding, key 1 itself, key 2 future
    assertThat(add[3]).isEqualTo(min);
    assertThat(add[4]).isEqualTo(0f);
    assertThat(add[5]).isEqualTo(min);
    // row q=2 sees keys 1 and 2
    assertThat(add[6]).isEqualTo(min);
    assertThat(add[7]).isEqualTo(0f);
    assertThat(add[8]).isEqualTo(0f);
  }

  @Test
  void paddingMaskHidesOnlyPaddedKeys() {
    NDArray mask = m.create(new long[] {1, 1, 0}, new Shape(1, 3));
    NDArray add = Attention.paddingMask(mask, DataType.FLOAT32);
    assertThat(add.getShape()).isEqualTo(new Shape(1, 1, 1, 3));
    assertThat(add.toFloatArray()).containsExactly(0f, 0f, -Float.MAX_VALUE);
  }

  @Test
  void fullyMaskedRowsStayFinite() {
    NDArray q = m.randomNormal(new Shape(1, 1, 2, 4));
    NDArray mask = m.create(new long[] {0, 1}, new Shape(1, 2));
    NDArray out =
        Attention.scaledDotProduct(
            q, q, q, Attention.causalPaddingMask(mask, DataType.FLOAT32), 0.5f);
    for (float v : out.toFloatArray()) {
      assertThat(Float.isFinite(v)).isTrue();
    }
  }

  @Test
  void blockedAttentionEqualsTheDenseFormula() {
    // Over Attention.CPU_SCORE_BLOCK_BYTES: the first splits batch rows, the second query positions
    // too.
    assertBlockedEqualsDense(
        3,
        4,
        300,
        Attention.paddingMask(
            m.create(new long[] {1, 1, 1, 0, 0, 1}, new Shape(3, 2)).repeat(1, 150),
            DataType.FLOAT32));
    NDArray causalMask = m.ones(new Shape(2, 700), DataType.INT64);
    assertBlockedEqualsDense(2, 8, 700, Attention.causalPaddingMask(causalMask, DataType.FLOAT32));
  }

  @Test
  void unpaddedRowsGiveTheMaskedFormulaOnRealTokensAndZeroOnPadding() {
    // Right padding, over the block size: each row attends over its real keys alone, no mask.
    int b = 3;
    int h = 4;
    int t = 400;
    int[] lengths = {400, 123, 1};
    long[] tokens = new long[b * t];
    for (int r = 0; r < b; r++) {
      for (int j = 0; j < lengths[r]; j++) {
        tokens[r * t + j] = 1;
      }
    }
    NDArray tokenMask = m.create(tokens, new Shape(b, t));
    assertThat(Attention.prefixLengths(tokenMask)).containsExactly(lengths);
    NDArray mask = Attention.paddingMask(tokenMask, DataType.FLOAT32);
    NDArray q = m.randomNormal(new Shape(b, h, t, 8));
    NDArray k = m.randomNormal(new Shape(b, h, t, 8));
    NDArray v = m.randomNormal(new Shape(b, h, t, 8));
    NDArray dense =
        Scalars.mul(q, 0.35f).matMul(k.swapAxes(-1, -2)).add(mask).softmax(-1).matMul(v);
    NDArray rows = Attention.scaledDotProduct(q, k, v, mask, 0.35f, lengths);
    assertThat(rows.getShape()).isEqualTo(dense.getShape());
    float[] want = dense.toFloatArray();
    float[] got = rows.toFloatArray();
    for (int r = 0; r < b; r++) {
      for (int head = 0; head < h; head++) {
        for (int j = 0; j < t; j++) {
          for (int d = 0; d < 8; d++) {
            int i = ((r * h + head) * t + j) * 8 + d;
            float expected = j < lengths[r] ? want[i] : 0f;
            assertThat(got[i]).as("row %d query %d", r, j).isCloseTo(expected, within(1e-5f));
          }
        }
      }
    }
  }

  @Test
  void prefixLengthsAreNullUnlessEveryRowIsRightPadded() {
    NDArray left = m.create(new long[] {0, 1, 1, 1, 1, 1}, new Shape(2, 3));
    assertThat(Attention.prefixLengths(left)).isNull();
    NDArray right = m.create(new long[] {1, 1, 0, 1, 1, 1}, new Shape(2, 3));
    assertThat(Attention.prefixLengths(right)).containsExactly(2, 3);
  }

  @Test
  void atInferenceBlockedAttentionKeepsOneBlockOfScoresAtATime() {
    // 2 x 12 heads x 512 x 512 floats of scores: 25 MB unblocked, about six 4 MB blocks.
    try (NDManager scope = m.newSubManager()) {
      NDArray q = scope.randomNormal(new Shape(2, 12, 512, 32));
      NDArray mask = scope.zeros(new Shape(2, 1, 1, 512));
      int before = scope.getManagedArrays().size();
      NDArray out = Attention.scaledDotProduct(q, q, q, mask, 0.2f);
      long left =
          scope.getManagedArrays().stream()
              .filter(a -> !a.isReleased())
              .mapToLong(a -> a.size() * a.getDataType().getNumOfBytes())
              .sum();
      long qBytes = q.size() * Float.BYTES;
      long inputs = qBytes + mask.size() * Float.BYTES;
      // What stays: the output and the views of q, k and v by row and of q by query block (counted
      // at their full size: four times q in all); no block's scores (which once held three times
      // the whole score tensor, 75 MB) and no block outputs once they are joined.
      assertThat(left - inputs).isLessThan(out.size() * Float.BYTES + 4 * qBytes + (1L << 19));
      assertThat(scope.getManagedArrays().size()).isGreaterThan(before);
    }
  }

  @Test
  void withGradientsBlockedAttentionBackpropagatesAsTheDenseFormula() {
    ai.djl.engine.Engine engine = ai.djl.engine.Engine.getInstance();
    try (NDManager scope = m.newSubManager()) {
      NDArray start = scope.randomNormal(new Shape(2, 12, 512, 8));
      NDArray mask = scope.zeros(new Shape(2, 1, 1, 512));
      NDArray blockedQ = start.duplicate();
      NDArray denseQ = start.duplicate();
      blockedQ.setRequiresGradient(true);
      denseQ.setRequiresGradient(true);
      try (ai.djl.training.GradientCollector c = engine.newGradientCollector()) {
        NDArray out = Attention.scaledDotProduct(blockedQ, blockedQ, blockedQ, mask, 0.2f);
        c.backward(out.mul(out).sum());
      }
      try (ai.djl.training.GradientCollector c = engine.newGradientCollector()) {
        NDArray out =
            Scalars.mul(denseQ, 0.2f)
                .matMul(denseQ.swapAxes(-1, -2))
                .add(mask)
                .softmax(-1)
                .matMul(denseQ);
        c.backward(out.mul(out).sum());
      }
      float[] want = denseQ.getGradient().toFloatArray();
      float[] got = blockedQ.getGradient().toFloatArray();
      for (int i = 0; i < want.length; i++) {
        assertThat(got[i]).isCloseTo(want[i], within(1e-3f + 1e-4f * Math.abs(want[i])));
      }
    }
  }

  private void assertBlockedEqualsDense(int b, int h, int t, NDArray mask) {
    assertThat((long) b * h * t * t * Float.BYTES).isGreaterThan(Attention.CPU_SCORE_BLOCK_BYTES);
    NDArray q = m.randomNormal(new Shape(b, h, t, 8));
    NDArray k = m.randomNormal(new Shape(b, h, t, 8));
    NDArray v = m.randomNormal(new Shape(b, h, t, 8));
    NDArray dense =
        Scalars.mul(q, 0.35f).matMul(k.swapAxes(-1, -2)).add(mask).softmax(-1).matMul(v);
    NDArray blocked = Attention.scaledDotProduct(q, k, v, mask, 0.35f);
    assertThat(blocked.getShape()).isEqualTo(dense.getShape());
    float[] want = dense.toFloatArray();
    float[] got = blocked.toFloatArray();
    for (int i = 0; i < want.length; i++) {
      assertThat(got[i]).isCloseTo(want[i], within(1e-5f));
    }
  }

  @Test
  void rotationAtPositionZeroIsIdentityAndPreservesNorm() {
    RotaryEmbedding rope = new RotaryEmbedding(new float[] {1f, 0.1f});
    NDArray x = m.create(new float[] {1, 2, 3, 4, 1, 2, 3, 4}, new Shape(1, 1, 2, 4));
    NDList tables = rope.tables(m.create(new long[] {0, 5}, new Shape(1, 2)), DataType.FLOAT32);
    float[] y = RotaryEmbedding.apply(x, tables).toFloatArray();
    assertThat(y[0]).isEqualTo(1f);
    assertThat(y[3]).isEqualTo(4f);
    double n0 = 1 + 4 + 9 + 16;
    double n1 = y[4] * y[4] + y[5] * y[5] + y[6] * y[6] + y[7] * y[7];
    assertThat(n1).isCloseTo(n0, within(1e-4));
    // channel 0 pairs with channel 2: (1,3) rotated by 5 rad
    assertThat((double) y[4]).isCloseTo(Math.cos(5) * 1 - Math.sin(5) * 3, within(1e-5));
  }
}
