package dev.d2llm.student;

import static dev.d2llm.FloatArrays.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.d2llm.nn.RowKernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The host IEM search uses scores exactly as the DJL module does, on both branches and at any
 * offset.
 */
class HostIemTest {

  @ParameterizedTest
  @EnumSource(IemKind.class)
  void hostLogitsEqualTheModulesOnProjectedPassages(IemKind kind) {
    try (NDManager m = NDManager.newBaseManager()) {
      InteractionEmulation iem = new InteractionEmulation(24, 40, kind);
      iem.initializeMissing(m, 11);
      iem.namedParameters()
          .forEach(
              (n, p) ->
                  p.getArray()
                      .addi(
                          m.randomNormal(
                              0, 0.2f, p.getArray().getShape(), p.getArray().getDataType())));
      int count = 150; // more than two of HostIem's chunks, not a multiple of one
      NDArray q = m.randomNormal(new Shape(1, 24));
      NDArray passages = m.randomNormal(new Shape(count, 24));
      NDArray projected = iem.projectPassage(passages);
      float[] cosines =
          kind == IemKind.RESIDUAL
              ? InteractionEmulation.cosine(q.repeat(0, count), passages).toFloatArray()
              : null;
      HostIem host = iem.toHost(RowKernels.best().orElseThrow());

      float[] hostQuery = host.projectQuery(q.toFloatArray());
      assertThat(maxAbsDiff(hostQuery, iem.projectQuery(q).toFloatArray())).isLessThan(1e-5f);
      for (Branch branch : Branch.values()) {
        float[] expected =
            iem.score(null, q.repeat(0, count), passages, branch, false).logits().toFloatArray();
        float[] all = new float[count];
        host.logits(hostQuery, projected.toFloatArray(), 0, count, branch, all, 0, cosines);
        float[] tail = new float[count];
        float[] tailCosines = cosines == null ? null : new float[count];
        if (cosines != null) {
          System.arraycopy(cosines, 100, tailCosines, 7, 50);
        }
        host.logits(hostQuery, projected.toFloatArray(), 100, 50, branch, tail, 7, tailCosines);

        assertThat(maxAbsDiff(all, expected)).isLessThan(1e-4f);
        for (int i = 0; i < 50; i++) {
          assertThat(tail[7 + i]).isEqualTo(all[100 + i]);
        }
      }
      assertThatThrownBy(() -> host.projectQuery(new float[23])).hasMessageContaining("takes 24");
    }
  }
}
