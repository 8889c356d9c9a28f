package dev.d2llm.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.d2llm.backbone.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our backbones against Hugging Face transformers' outputs on tiny random checkpoints. */
class ReferenceParityTest {

  private static final Path MODELS = Path.of("test/resources/models");

  @ParameterizedTest
  @ValueSource(strings = {"tiny-qwen2", "tiny-llama", "tiny-qwen3", "tiny-bert"})
  void matchesTransformersWithinOneInTenThousand(String model) {
    ParityReport report = ReferenceParity.verify(MODELS.resolve(model));
    report.comparisons().forEach(c -> System.out.println(model + " " + c));
    assertThat(report.comparisons()).isNotEmpty();
    assertThat(report.maxAbsDiff()).isLessThanOrEqualTo(ReferenceParity.TOLERANCE);
    assertThat(report.passes()).isTrue();
  }

  @Test
  void aWrongRopeThetaIsCaught(@TempDir Path tmp) throws IOException {
    Path copy = tmp.resolve("tiny-llama");
    Files.createDirectories(copy);
    try (var files = Files.list(MODELS.resolve("tiny-llama"))) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName().toString()));
      }
    }
    Path config = copy.resolve("config.json");
    Files.writeString(config, Files.readString(config).replace("500000", "10000"));
    ParityReport report = ReferenceParity.verify(copy);
    assertThat(report.maxAbsDiff()).isGreaterThan(ReferenceParity.TOLERANCE);
    assertThat(report.passes()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-qwen2", "tiny-llama", "tiny-qwen3"})
  void bf16ComputeStaysNearTransformersBf16(String model) {
    ParityReport report = ReferenceParity.verify(MODELS.resolve(model));
    assertThat(report.comparisons())
        .filteredOn(c -> c.label().endsWith("bf16"))
        .singleElement()
        .satisfies(
            c -> assertThat(c.maxAbsDiff()).isLessThanOrEqualTo(ReferenceParity.BF16_TOLERANCE));
    assertThat(Precision.parse("bf16")).isEqualTo(Precision.BF16);
  }
}
