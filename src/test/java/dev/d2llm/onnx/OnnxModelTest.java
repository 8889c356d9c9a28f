package dev.d2llm.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.d2llm.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelTest {

  @TempDir Path tmp;

  @Test
  void readsGraphInitializersNodesAndConstants() throws IOException {
    Path file = Files.write(tmp.resolve("m.onnx"), new SyntheticBertOnnx().build());

    OnnxModel m = OnnxModel.read(file);

    assertThat(m.inputs()).containsExactly("input_ids", "attention_mask", "token_type_ids");
    assertThat(m.outputs()).containsExactly("last_hidden_state");
    OnnxTensor words = m.initializers().get("embeddings.word_embeddings.weight");
    assertThat(words.dims()).containsExactly(10, 4);
    assertThat(words.toHost().data().asFloatBuffer().get(3)).isEqualTo(1.5f);
    assertThat(m.initializers().get("embeddings.position_ids").dataType())
        .isEqualTo(OnnxTensor.INT64);
    assertThat(
            m.constant("/encoder/layer.0/attention/self/Constant_2_output_0").orElseThrow().longs())
        .containsExactly(2);
    assertThat(
            m.producer("/encoder/layer.0/attention/self/query/MatMul_output_0")
                .orElseThrow()
                .name())
        .isEqualTo("/encoder/layer.0/attention/self/query/MatMul");
    assertThat(m.consumers("/encoder/layer.0/attention/self/query/MatMul_output_0"))
        .extracting(OnnxNode::opType)
        .containsExactly("Add");
  }

  @Test
  void refusesExternalData() throws IOException {
    Path file =
        Files.write(
            tmp.resolve("ext.onnx"),
            SyntheticBertOnnx.modelOf(List.of(SyntheticBertOnnx.tensorExternal("w")), List.of()));

    assertThatThrownBy(() -> OnnxModel.read(file))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("'w'")
        .hasMessageContaining("external data is not supported");
  }

  @Test
  void refusesAFileWithoutGraph() throws IOException {
    Path file =
        Files.write(tmp.resolve("empty.onnx"), new byte[] {0x08, 0x07}); // ir_version = 7 only

    assertThatThrownBy(() -> OnnxModel.read(file))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("holds no graph");
  }

  @Test
  void refusesDataOfTheWrongSize() throws IOException {
    byte[] t =
        SyntheticBertOnnx.tensorRaw("w", 1, new long[] {2, 3}, SyntheticBertOnnx.floats(1, 2, 3));
    Path file =
        Files.write(tmp.resolve("bad.onnx"), SyntheticBertOnnx.modelOf(List.of(t), List.of()));

    assertThatThrownBy(() -> OnnxModel.read(file))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("needs 24 bytes, found 12");
  }
}
