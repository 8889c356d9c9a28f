package dev.d2llm.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads files assembled byte by byte from the format description, not produced by our writer. */
class SafetensorsSpecTest {

  @TempDir Path dir;

  @Test
  void readsHandBuiltFileFollowingTheSpec() throws Exception {
    // Deliberately out of name order, unpadded, with whitespace, and with data stored in reverse
    // order.
    String header =
        "{ \"weight\": {\"dtype\": \"BF16\", \"shape\": [2], \"data_offsets\": [8, 12]},\n"
            + "  \"__metadata__\": {\"format\": \"pt\"},\n"
            + "  \"bias\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},\n"
            + "  \"ids\": {\"dtype\": \"I32\", \"shape\": [1, 2], \"data_offsets\": [12, 20]},\n"
            + "  \"scalar\": {\"dtype\": \"F16\", \"shape\": [], \"data_offsets\": [20, 22]} }";
    ByteBuffer data = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
    data.putFloat(0.5f).putFloat(-3f); // bias
    data.putShort((short) 0x3F80).putShort((short) 0xC020); // weight: bf16 1.0, -2.5
    data.putInt(42).putInt(-1); // ids
    data.putShort((short) 0x7BFF); // scalar: f16 65504
    Path file = RawSafetensors.write(dir.resolve("hand.safetensors"), header, data.array());

    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertThat(f.names()).containsExactly("bias", "ids", "scalar", "weight");
      assertThat(f.metadata()).isEqualTo(Map.of("format", "pt"));
      assertThat(f.floats("bias")).containsExactly(0.5f, -3f);
      assertThat(f.floats("weight")).containsExactly(1f, -2.5f);
      assertThat(f.longs("ids")).containsExactly(42, -1);
      assertThat(f.info("scalar").shape()).isEmpty();
      assertThat(f.info("scalar").numel()).isEqualTo(1);
      assertThat(f.floats("scalar")).containsExactly(65504f);
    }
  }

  @Test
  void readsFileWithoutMetadataOrTensors() throws Exception {
    Path file = RawSafetensors.write(dir.resolve("empty.safetensors"), "{}", new byte[0]);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertThat(f.names()).isEmpty();
      assertThat(f.metadata()).isEmpty();
    }
  }

  @Test
  void writerOutputMatchesTheSpecLayoutByteForByte() throws Exception {
    Path file = dir.resolve("w.safetensors");
    SafetensorsWriter.write(
        file,
        Map.of(
            "b",
            HostTensor.ofFloats(new float[] {2f}, 1),
            "a",
            HostTensor.ofLongs(new long[] {7}, 1)),
        Map.of());
    byte[] raw = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    int n = (int) b.getLong(0);
    String header = new String(raw, 8, n, StandardCharsets.UTF_8).stripTrailing();
    assertThat(header)
        .isEqualTo(
            "{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}");
    assertThat(b.getLong(8 + n)).isEqualTo(7);
    assertThat(b.getFloat(8 + n + 8)).isEqualTo(2f);
    assertThat(raw.length).isEqualTo(8 + n + 12);
  }
}
