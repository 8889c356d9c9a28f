package dev.d2llm.student;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The IEM's branches, shapes and the precomputed-passage form used for serving. */
class InteractionEmulationTest {

  @ParameterizedTest
  @EnumSource(IemKind.class)
  void precomputedPassageProjectionsGiveTheSameLogits(IemKind kind) {
    try (NDManager m = NDManager.newBaseManager()) {
      InteractionEmulation iem = new InteractionEmulation(16, 32, kind);
      iem.initializeMissing(m, 5);
      iem.namedParameters()
          .forEach(
              (n, p) ->
                  p.getArray()
                      .addi(
                          m.randomNormal(
                              0, 0.1f, p.getArray().getShape(), p.getArray().getDataType())));
      NDArray q = m.randomNormal(new Shape(4, 16));
      NDArray p = m.randomNormal(new Shape(4, 16));

      for (Branch branch : Branch.values()) {
        InteractionEmulation.Output direct = iem.score(null, q, p, branch, false);
        NDArray cosines = kind == IemKind.RESIDUAL ? InteractionEmulation.cosine(q, p) : null;
        InteractionEmulation.Output projected =
            iem.scoreProjected(iem.projectQuery(q), iem.projectPassage(p), cosines, branch);

        assertThat(direct.logits().getShape()).isEqualTo(new Shape(4));
        assertThat(direct.features().getShape()).isEqualTo(new Shape(4, 32));
        assertThat(direct.logits().sub(projected.logits()).abs().max().getFloat())
            .isLessThan(1e-5f);
      }
    }
  }

  @Test
  void theTaskPicksTheBranch() {
    try (NDManager m = NDManager.newBaseManager()) {
      InteractionEmulation iem = new InteractionEmulation(8, 16);
      iem.initializeMissing(m, 5);
      NDArray q = m.randomNormal(new Shape(3, 8));
      NDArray p = m.randomNormal(new Shape(3, 8));

      float[] sym = iem.score(null, q, p, Branch.SYMMETRIC, false).logits().toFloatArray();
      float[] asym = iem.score(null, q, p, Branch.ASYMMETRIC, false).logits().toFloatArray();

      assertThat(sym).isNotEqualTo(asym);
      assertThat(Branch.parse("asym")).isEqualTo(Branch.ASYMMETRIC);
    }
  }

  @Test
  void aGatedBranchScoresPairsOutsideItsDomainByTheCosineAlone() {
    try (NDManager m = NDManager.newBaseManager()) {
      InteractionEmulation iem = new InteractionEmulation(4, 8, IemKind.RESIDUAL);
      iem.initializeMissing(m, 5);
      iem.namedParameters()
          .forEach(
              (n, p) ->
                  p.getArray()
                      .addi(
                          m.randomNormal(
                              0, 0.3f, p.getArray().getShape(), p.getArray().getDataType())));
      // Rows 0-1: queries along e1 (weight 1); rows 2-3: along e2 (similarity 0, weight 0); row 4:
      // similarity 0.7 (weight 0.5).
      NDArray q =
          m.create(
              new float[] {
                2, 0, 0, 0, 1, 0.1f, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0.7f, 0.71414284f, 0, 0
              },
              new Shape(5, 4));
      NDArray p = m.randomNormal(new Shape(5, 4));
      float[] ungated = iem.score(null, q, p, Branch.ASYMMETRIC, false).logits().toFloatArray();

      iem.setGate(
          Branch.ASYMMETRIC,
          new DomainGate(new DomainGate.Side(new float[] {1, 0, 0, 0}, 0.4f, 1.0f), null));
      float[] gated = iem.score(null, q, p, Branch.ASYMMETRIC, false).logits().toFloatArray();
      float[] cos = InteractionEmulation.cosine(q, p).toFloatArray();
      // The cosine part alone: gateLogits with weight 0 on the ungated logits.
      float[] cosineOnly = ungated.clone();
      iem.gateLogits(Branch.ASYMMETRIC, cosineOnly, cos, new float[5], 5);
      assertThat(cosineOnly).isNotEqualTo(ungated);

      assertThat(gated[0]).isCloseTo(ungated[0], org.assertj.core.data.Offset.offset(1e-5f));
      assertThat(gated[2]).isCloseTo(cosineOnly[2], org.assertj.core.data.Offset.offset(1e-5f));
      assertThat(gated[3]).isCloseTo(cosineOnly[3], org.assertj.core.data.Offset.offset(1e-5f));
      assertThat(gated[4])
          .isCloseTo((cosineOnly[4] + ungated[4]) / 2, org.assertj.core.data.Offset.offset(1e-4f));
      // gateLogits on ungated logits, with the gate's own weights, gives what score gives.
      float[] weights = new float[5];
      float[][] rows = new float[5][];
      for (int i = 0; i < 5; i++) {
        rows[i] = dev.d2llm.embedding.SentenceEncoder.unit(q.get(i).toFloatArray());
        weights[i] = iem.gate(Branch.ASYMMETRIC).orElseThrow().weight(rows[i], null);
      }
      float[] after = ungated.clone();
      iem.gateLogits(Branch.ASYMMETRIC, after, cos, weights, 5);
      for (int i = 0; i < 5; i++) {
        assertThat(after[i]).isCloseTo(gated[i], org.assertj.core.data.Offset.offset(1e-4f));
      }
      // The other branch has no gate.
      assertThat(iem.gate(Branch.SYMMETRIC)).isEmpty();
    }
  }
}
