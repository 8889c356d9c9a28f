package dev.d2llm.student;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** A domain gate's ramp, its fit on training vectors and its JSON form. */
class DomainGateTest {

  /** Eleven unit vectors at similarity 0.0, 0.1, ..., 1.0 to e1. */
  private static float[][] fan() {
    float[][] v = new float[11][];
    for (int i = 0; i <= 10; i++) {
      double c = i / 10.0;
      v[i] = new float[] {(float) c, (float) Math.sqrt(1 - c * c), 0};
    }
    return v;
  }

  @Test
  void theWeightRampsBetweenLowAndHigh() {
    DomainGate.Side side = new DomainGate.Side(new float[] {1, 0, 0}, 0.2f, 0.6f);
    assertThat(side.ramp(0.1f)).isZero();
    assertThat(side.ramp(0.4f)).isCloseTo(0.5f, within(1e-6f));
    assertThat(side.ramp(0.9f)).isEqualTo(1f);
    assertThat(side.weight(new float[] {0.4f, (float) Math.sqrt(0.84), 0}))
        .isCloseTo(0.5f, within(1e-6f));
  }

  @Test
  void aFitPlacesTheRampAtTheTrainingTextsPercentiles() {
    // Around a centre near e1 the fan's similarities spread; the 10th and 50th percentiles sit at
    // the
    // second and sixth smallest of them.
    float[][] fan = fan();
    DomainGate.Side side = DomainGate.Side.fit(fan, 10, 50);
    double[] sims = new double[fan.length];
    for (int i = 0; i < fan.length; i++) {
      sims[i] = fan[i][0] * side.centre()[0] + fan[i][1] * side.centre()[1];
    }
    java.util.Arrays.sort(sims);
    assertThat((double) side.low()).isCloseTo(sims[1], within(1e-6));
    assertThat((double) side.high()).isCloseTo(sims[5], within(1e-6));
    assertThat(Math.hypot(side.centre()[0], side.centre()[1])).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void badPercentilesAndEmptyFitsAreRefused() {
    assertThatThrownBy(() -> DomainGate.Side.fit(fan(), 50, 10))
        .hasMessageContaining("0 <= low < high <= 100");
    assertThatThrownBy(() -> DomainGate.Side.fit(new float[0][], 5, 20))
        .hasMessageContaining("at least one text");
    assertThatThrownBy(() -> new DomainGate.Side(new float[] {1}, 0.5f, 0.5f))
        .hasMessageContaining("high > low");
  }

  @Test
  void theGateRoundTripsThroughJson() {
    ObjectMapper json = new ObjectMapper();
    DomainGate both =
        new DomainGate(
            new DomainGate.Side(new float[] {0.6f, 0.8f}, 0.1f, 0.3f),
            new DomainGate.Side(new float[] {1, 0}, -0.2f, 0.5f));
    DomainGate queryOnly = new DomainGate(both.query(), null);
    for (DomainGate g : new DomainGate[] {both, queryOnly}) {
      DomainGate back = DomainGate.fromJson(g.toJson(json));
      assertThat(back.query().centre()).containsExactly(g.query().centre());
      assertThat(back.query().low()).isEqualTo(g.query().low());
      assertThat(back.weight(new float[] {0.6f, 0.8f}, new float[] {0.6f, 0.8f}))
          .isEqualTo(g.weight(new float[] {0.6f, 0.8f}, new float[] {0.6f, 0.8f}));
    }
    assertThat(DomainGate.fromJson(queryOnly.toJson(json)).passage()).isNull();
  }
}
