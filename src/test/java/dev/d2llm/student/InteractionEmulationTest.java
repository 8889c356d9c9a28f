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
      iem.namedParameters().forEach((n, p) -> p.getArray().addi(m.randomNormal(0, 0.1f, p.getArray().getShape(), p.getArray().getDataType())));
      NDArray q = m.randomNormal(new Shape(4, 16));
      NDArray p = m.randomNormal(new Shape(4, 16));

      for (Branch branch : Branch.values()) {
        InteractionEmulation.Output direct = iem.score(null, q, p, branch, false);
        NDArray cosines = kind == IemKind.RESIDUAL ? InteractionEmulation.cosine(q, p) : null;
        InteractionEmulation.Output projected = iem.scoreProjected(iem.projectQuery(q), iem.projectPassage(p), cosines, branch);

        assertThat(direct.logits().getShape()).isEqualTo(new Shape(4));
        assertThat(direct.features().getShape()).isEqualTo(new Shape(4, 32));
        assertThat(direct.logits().sub(projected.logits()).abs().max().getFloat()).isLessThan(1e-5f);
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
}
