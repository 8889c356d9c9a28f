package dev.d2llm.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RopeConfigTest {

  @Test
  void plainFrequenciesFollowThetaPowers() {
    float[] inv = RopeConfig.plain(10000).inverseFrequencies(8);
    assertThat(inv).hasSize(4);
    assertThat(inv[0]).isEqualTo(1f);
    assertThat((double) inv[1]).isCloseTo(Math.pow(10000, -0.25), within(1e-7));
    assertThat((double) inv[3]).isCloseTo(Math.pow(10000, -0.75), within(1e-9));
  }

  @Test
  void llama3ScalingKeepsHighFrequenciesAndDividesLowOnes() {
    // original context 32: wavelengths under 8 are kept, over 32 divided by 8, between smoothed.
    RopeConfig rope = new RopeConfig(10000, RopeConfig.Scaling.LLAMA3, 8, 1, 4, 32);
    float[] plain = RopeConfig.plain(10000).inverseFrequencies(16);
    float[] scaled = rope.inverseFrequencies(16);
    for (int i = 0; i < plain.length; i++) {
      double wavelen = 2 * Math.PI / plain[i];
      if (wavelen < 8) {
        assertThat(scaled[i]).isEqualTo(plain[i]);
      } else if (wavelen > 32) {
        assertThat((double) scaled[i]).isCloseTo(plain[i] / 8.0, within(1e-9));
      } else {
        double smooth = (32 / wavelen - 1) / 3;
        assertThat((double) scaled[i])
            .isCloseTo((1 - smooth) * plain[i] / 8 + smooth * plain[i], within(1e-7));
      }
    }
    // theta 10000 over 16 channels spans all three regimes.
    assertThat(2 * Math.PI / plain[0]).isLessThan(8);
    assertThat(2 * Math.PI / plain[1]).isBetween(8.0, 32.0);
    assertThat(2 * Math.PI / plain[7]).isGreaterThan(32);
  }
}
