package dev.d2llm.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.d2llm.checkpoint.Checkpoints;
import dev.d2llm.checkpoint.TensorSource;
import dev.d2llm.embedding.Pooling;
import dev.d2llm.embedding.SentenceTransformersFiles;
import dev.d2llm.verify.OnnxRuntimeParity;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tiny BERT's classic ONNX export imported back into the checkpoint transformers saved. */
class OnnxImportTest {

  private static final Path TINY = Path.of("test/resources/models/tiny-bert");

  @Test
  void recoversEveryTensorOfTheOriginalCheckpoint(@TempDir Path out) throws IOException {
    BundledEncoderPull.importOnnx(
        TINY.resolve("onnx/model.onnx"), TINY.resolve("tokenizer.json"), out, Pooling.CLS, true);

    try (TensorSource original = Checkpoints.open(TINY);
        TensorSource imported = Checkpoints.open(out)) {
      for (String name : original.names()) {
        if (name.contains("pooler") || name.endsWith("position_ids")) {
          continue; // not part of the encoder graph
        }
        assertThat(imported.contains(name)).as(name).isTrue();
        assertThat(imported.info(name).shape()).as(name).isEqualTo(original.info(name).shape());
        assertThat(imported.floats(name)).as(name).containsExactly(original.floats(name));
      }
    }
  }

  @Test
  void importedTinyBertMatchesOnnxRuntime(@TempDir Path out) throws IOException {
    BundledEncoderPull.importOnnx(
        TINY.resolve("onnx/model.onnx"), TINY.resolve("tokenizer.json"), out, Pooling.MEAN, false);

    assertThat(OnnxRuntimeParity.verify(out, 1).maxAbsDiff())
        .isLessThanOrEqualTo(OnnxRuntimeParity.TOLERANCE);
    assertThat(SentenceTransformersFiles.read(out).pooling()).isEqualTo(Pooling.MEAN);
    assertThat(out.resolve("config.json")).content().contains("\"model_type\" : \"bert\"");
  }
}
