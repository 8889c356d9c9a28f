package dev.d2llm.checkpoint;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsCorruptFileTest {

  @TempDir Path dir;

  private AbstractThrowableAssert<?, ? extends Throwable> opening(Path file) {
    return assertThatThrownBy(() -> SafetensorsFile.open(file).close())
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(file.toString());
  }

  private Path raw(String header, byte[] data) throws Exception {
    return RawSafetensors.write(dir.resolve("bad.safetensors"), header, data);
  }

  @Test
  void rejectsFileShorterThanLengthPrefix() throws Exception {
    Path file = Files.write(dir.resolve("short.safetensors"), new byte[] {1, 2, 3});
    opening(file).hasMessageContaining("3 bytes").hasMessageContaining("8-byte header length");
  }

  @Test
  void rejectsTruncatedFile() throws Exception {
    Path good = dir.resolve("good.safetensors");
    SafetensorsWriter.write(
        good, Map.of("w", HostTensor.ofFloats(new float[] {1, 2, 3, 4}, 4)), Map.of());
    byte[] bytes = Files.readAllBytes(good);
    Path cut = Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(bytes, bytes.length - 3));
    opening(cut)
        .hasMessageContaining("'w'")
        .hasMessageContaining("beyond the data section of 13 bytes");
  }

  @Test
  void rejectsHeaderLongerThanFile() throws Exception {
    Path file = RawSafetensors.write(dir.resolve("long.safetensors"), 1_000, "{}", new byte[0]);
    opening(file).hasMessageContaining("header length 1000").hasMessageContaining("10 bytes");
  }

  @Test
  void rejectsNegativeHeaderLength() throws Exception {
    Path file = RawSafetensors.write(dir.resolve("neg.safetensors"), -1, "{}", new byte[0]);
    opening(file).hasMessageContaining("header length " + Long.toUnsignedString(-1));
  }

  @Test
  void rejectsMalformedJson() throws Exception {
    opening(raw("{\"w\": {\"dtype\": ", new byte[0])).hasMessageContaining("not valid JSON");
  }

  @Test
  void rejectsHeaderThatIsNotAnObject() throws Exception {
    opening(raw("[1, 2]  ", new byte[0])).hasMessageContaining("must be a JSON object");
  }

  @Test
  void rejectsDuplicateTensorNames() throws Exception {
    String entry = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
    opening(raw("{\"w\":" + entry + ",\"w\":" + entry + "}", RawSafetensors.f32(1f)))
        .hasMessageContaining("w");
  }

  @Test
  void rejectsOffsetsBeyondData() throws Exception {
    opening(
            raw(
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                RawSafetensors.f32(1f, 2f)))
        .hasMessageContaining("'w'")
        .hasMessageContaining("[4, 12]")
        .hasMessageContaining("data section of 8 bytes");
  }

  @Test
  void rejectsBeginAfterEnd() throws Exception {
    opening(
            raw(
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}",
                RawSafetensors.f32(1f, 2f, 3f)))
        .hasMessageContaining("begin after end");
  }

  @Test
  void rejectsByteCountThatDisagreesWithShape() throws Exception {
    opening(
            raw(
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}",
                RawSafetensors.f32(1f, 2f, 3f)))
        .hasMessageContaining("'w'")
        .hasMessageContaining("F32[2, 2]")
        .hasMessageContaining("needs 16 bytes")
        .hasMessageContaining("span 12");
  }

  @Test
  void rejectsOverlappingTensors() throws Exception {
    String header =
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
    opening(raw(header, RawSafetensors.f32(1f, 2f, 3f)))
        .hasMessageContaining("'a'")
        .hasMessageContaining("'b'")
        .hasMessageContaining("overlap");
  }

  @Test
  void rejectsUnknownDType() throws Exception {
    opening(
            raw(
                "{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}}",
                new byte[4]))
        .hasMessageContaining("'w'")
        .hasMessageContaining("F8_E4M3")
        .hasMessageContaining("BF16");
  }

  @Test
  void rejectsMissingOrMistypedFields() throws Exception {
    opening(raw("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4]))
        .hasMessageContaining("'shape'");
    opening(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", new byte[4]))
        .hasMessageContaining("'data_offsets'");
    opening(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]))
        .hasMessageContaining("non-negative");
  }

  @Test
  void rejectsNonStringMetadata() throws Exception {
    opening(raw("{\"__metadata__\":{\"epoch\":3}}", new byte[0]))
        .hasMessageContaining("__metadata__")
        .hasMessageContaining("epoch");
  }

  @Test
  void rejectsMissingFile() {
    opening(dir.resolve("absent.safetensors")).hasMessageContaining("cannot open");
  }
}
