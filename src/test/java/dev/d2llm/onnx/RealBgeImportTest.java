package dev.d2llm.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Imports the real bge-small-en-v1.5 export when a copy lies in /tmp/jars; skipped otherwise. */
class RealBgeImportTest {

  private static final Path BGE = Path.of("/tmp/jars/bge-small-en-v1.5.onnx");

  @Test
  void importsBgeSmallEn() {
    assumeTrue(Files.isRegularFile(BGE), BGE + " is absent");

    ImportedBert bert = BertOnnxImporter.importFile(BGE);

    assertThat(bert.config()).isEqualTo(new BertConfig(384, 12, 12, 1536, "gelu", 512, 2, 30522, 1e-12));
    assertThat(bert.tensors()).hasSize(5 + 12 * 16);
    assertThat(bert.tensors().get("encoder.layer.11.output.dense.weight").shape()).containsExactly(384, 1536);
  }
}
