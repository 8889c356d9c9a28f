package dev.d2llm.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {

  @TempDir Path dir;

  private static final float[] VALUES = {1f, -2.5f, 0.15625f, 65504f, 0f, -0.5f};

  private Path writeAll() {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    tensors.put("z.f32", HostTensor.ofFloats(VALUES, 2, 3));
    tensors.put("a.f16", HostTensor.ofFloats(VALUES, TensorDType.F16, 3, 2));
    tensors.put("m.bf16", HostTensor.ofFloats(VALUES, TensorDType.BF16, 6));
    tensors.put("ids", HostTensor.ofLongs(new long[] {0, 1, -7, Long.MAX_VALUE}, 1, 4));
    Path file = dir.resolve("model.safetensors");
    SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
    return file;
  }

  @Test
  void roundTripsF32F16Bf16AndI64() {
    try (SafetensorsFile f = SafetensorsFile.open(writeAll())) {
      assertThat(f.names()).containsExactly("a.f16", "ids", "m.bf16", "z.f32");
      assertThat(f.info("z.f32"))
          .isEqualTo(new TensorInfo("z.f32", TensorDType.F32, new long[] {2, 3}));
      assertThat(f.info("a.f16"))
          .isEqualTo(new TensorInfo("a.f16", TensorDType.F16, new long[] {3, 2}));
      assertThat(f.floats("z.f32")).containsExactly(VALUES);
      // Every value was chosen to be exact in f16; bf16 rounds 65504 to 65536.
      assertThat(f.floats("a.f16")).containsExactly(VALUES);
      assertThat(f.floats("m.bf16")).containsExactly(1f, -2.5f, 0.15625f, 65536f, 0f, -0.5f);
      assertThat(f.longs("ids")).containsExactly(0, 1, -7, Long.MAX_VALUE);
      assertThat(f.metadata()).containsExactly(Map.entry("format", "pt"));
    }
  }

  @Test
  void padsHeaderToMultipleOfEightWithSpaces() throws Exception {
    byte[] raw = Files.readAllBytes(writeAll());
    long headerLength = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    assertThat(headerLength % 8).isZero();
    String header = new String(raw, 8, (int) headerLength, StandardCharsets.UTF_8);
    assertThat(header).startsWith("{").matches("(?s)\\{.*\\} *");
  }

  @Test
  void bytesAreReadOnlyLittleEndianViews() {
    try (SafetensorsFile f = SafetensorsFile.open(writeAll())) {
      ByteBuffer b = f.bytes("z.f32");
      assertThat(b.isReadOnly()).isTrue();
      assertThat(b.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
      assertThat(b.remaining()).isEqualTo(24);
      assertThat(b.getFloat(4)).isEqualTo(-2.5f);
    }
  }

  @Test
  void floatsOfIntegerTensorNamesTheDType() {
    try (SafetensorsFile f = SafetensorsFile.open(writeAll())) {
      assertThatThrownBy(() -> f.floats("ids"))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("'ids'")
          .hasMessageContaining("I64");
      assertThatThrownBy(() -> f.longs("z.f32")).hasMessageContaining("F32");
    }
  }

  @Test
  void unknownTensorNameIsReportedWithTheFile() {
    try (SafetensorsFile f = SafetensorsFile.open(writeAll())) {
      assertThatThrownBy(() -> f.info("missing"))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("missing")
          .hasMessageContaining("model.safetensors");
    }
  }

  @Test
  void refusesTensorNamedLikeTheMetadataKey() {
    assertThatThrownBy(
            () ->
                SafetensorsWriter.write(
                    dir.resolve("x.safetensors"),
                    Map.of("__metadata__", HostTensor.ofFloats(new float[] {1}, 1)),
                    Map.of()))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("__metadata__");
  }

  @Test
  void closedFileRefusesNewReads() {
    SafetensorsFile f = SafetensorsFile.open(writeAll());
    f.close();
    assertThatThrownBy(() -> f.bytes("z.f32"))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void writesEmptyAndZeroSizedTensors() {
    Path file = dir.resolve("empty.safetensors");
    SafetensorsWriter.write(
        file, Map.of("none", HostTensor.ofFloats(new float[0], 0, 4)), Map.of());
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertThat(f.floats("none")).isEmpty();
      assertThat(f.metadata()).isEmpty();
    }
  }

  @Test
  void overwritesExistingFileWithoutLeavingTemporaries() throws Exception {
    Path file = writeAll();
    SafetensorsWriter.write(file, Map.of("x", HostTensor.ofFloats(new float[] {3f}, 1)), Map.of());
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertThat(f.names()).containsExactly("x");
    }
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }
}
