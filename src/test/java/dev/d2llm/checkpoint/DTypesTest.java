package dev.d2llm.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class DTypesTest {

  @Test
  void bf16EncodesExactValues() {
    assertThat(DTypes.toBf16(1.0f)).isEqualTo((short) 0x3F80);
    assertThat(DTypes.toBf16(-2.5f)).isEqualTo((short) 0xC020);
    assertThat(DTypes.toBf16(0.0f)).isEqualTo((short) 0x0000);
    assertThat(DTypes.fromBf16((short) 0x3F80)).isEqualTo(1.0f);
    assertThat(DTypes.fromBf16((short) 0xC020)).isEqualTo(-2.5f);
  }

  @Test
  void bf16RoundsToNearestEven() {
    // 65504 = 0x477FE000: the dropped half 0xE000 is above the midpoint, so it rounds up to 65536.
    assertThat(DTypes.toBf16(65504f)).isEqualTo((short) 0x4780);
    assertThat(DTypes.fromBf16(DTypes.toBf16(65504f))).isEqualTo(65536f);
    // Exact ties: 1 + 2^-8 goes down to the even 1.0, 1 + 3 * 2^-8 up to the even 1 + 2^-6.
    assertThat(DTypes.toBf16(1f + 0x1p-8f)).isEqualTo((short) 0x3F80);
    assertThat(DTypes.toBf16(1f + 3 * 0x1p-8f)).isEqualTo((short) 0x3F82);
    // Just above a tie rounds up.
    assertThat(DTypes.toBf16(Math.nextUp(1f + 0x1p-8f))).isEqualTo((short) 0x3F81);
  }

  @Test
  void bf16KeepsNaNAndInfinity() {
    assertThat(DTypes.fromBf16(DTypes.toBf16(Float.NaN))).isNaN();
    assertThat(DTypes.fromBf16(DTypes.toBf16(Float.intBitsToFloat(0x7F800001)))).isNaN();
    assertThat(DTypes.fromBf16(DTypes.toBf16(Float.POSITIVE_INFINITY)))
        .isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(DTypes.fromBf16(DTypes.toBf16(Float.MAX_VALUE))).isEqualTo(Float.POSITIVE_INFINITY);
  }

  @Test
  void f16EncodesAndRoundsToNearestEven() {
    assertThat(DTypes.toF16(1.0f)).isEqualTo((short) 0x3C00);
    assertThat(DTypes.toF16(-2.5f)).isEqualTo((short) 0xC100);
    assertThat(DTypes.toF16(65504f)).isEqualTo((short) 0x7BFF);
    assertThat(DTypes.fromF16((short) 0x7BFF)).isEqualTo(65504f);
    assertThat(DTypes.toF16(1f + 0x1p-11f)).isEqualTo((short) 0x3C00);
    assertThat(DTypes.toF16(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3C02);
    assertThat(DTypes.toF16(70000f)).isEqualTo((short) 0x7C00);
  }

  @Test
  void hostTensorOfFloatsStoresTheRequestedDType() {
    HostTensor t = HostTensor.ofFloats(new float[] {1f, -2.5f}, TensorDType.BF16, 2);
    ByteBuffer b = t.data().order(ByteOrder.LITTLE_ENDIAN);
    assertThat(t.dtype()).isEqualTo(TensorDType.BF16);
    assertThat(b.remaining()).isEqualTo(4);
    assertThat(b.getShort(0)).isEqualTo((short) 0x3F80);
    assertThat(b.getShort(2)).isEqualTo((short) 0xC020);
  }

  @Test
  void hostTensorOfFloatsRejectsIntegerDType() {
    assertThatThrownBy(() -> HostTensor.ofFloats(new float[] {1f}, TensorDType.I32, 1))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("I32");
  }
}
