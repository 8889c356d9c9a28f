package dev.d2llm.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.d2llm.checkpoint.CheckpointException;
import dev.d2llm.checkpoint.HostTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BertOnnxImporterTest {

  @TempDir Path tmp;

  private ImportedBert importSynthetic(SyntheticBertOnnx g) throws IOException {
    Path file = tmp.resolve("model.onnx");
    Files.write(file, g.build());
    return BertOnnxImporter.importFile(file);
  }

  @Test
  void namesEveryParameterWithItsHuggingFaceName() throws IOException {
    ImportedBert bert = importSynthetic(new SyntheticBertOnnx());

    assertThat(bert.tensors())
        .containsKeys(
            "embeddings.word_embeddings.weight",
            "embeddings.LayerNorm.bias",
            "encoder.layer.0.attention.self.query.weight",
            "encoder.layer.0.attention.self.query.bias",
            "encoder.layer.1.attention.output.dense.weight",
            "encoder.layer.1.intermediate.dense.weight",
            "encoder.layer.1.output.LayerNorm.weight");
    assertThat(bert.tensors()).doesNotContainKey("embeddings.position_ids");
    assertThat(bert.tensors().keySet()).noneMatch(n -> n.startsWith("onnx::"));
    // 5 embedding tensors + 16 per layer.
    assertThat(bert.tensors()).hasSize(5 + 2 * 16);
  }

  @Test
  void transposesMatMulWeightsToOutByIn() throws IOException {
    ImportedBert bert = importSynthetic(new SyntheticBertOnnx());

    // Layer 0's modules are numbered query 0, key 1, value 2, attention.output.dense 3,
    // intermediate 4, output 5.
    HostTensor intermediate = bert.tensors().get("encoder.layer.0.intermediate.dense.weight");
    assertThat(intermediate.shape()).containsExactly(8, 4);
    var f = intermediate.data().asFloatBuffer();
    for (int out = 0; out < 8; out++) {
      for (int in = 0; in < 4; in++) {
        assertThat(f.get(out * 4 + in)).isEqualTo(SyntheticBertOnnx.weightValue(4, in, out));
      }
    }
    HostTensor output = bert.tensors().get("encoder.layer.0.output.dense.weight");
    assertThat(output.shape()).containsExactly(4, 8);
    assertThat(output.data().asFloatBuffer().get(1 * 8 + 7))
        .isEqualTo(SyntheticBertOnnx.weightValue(5, 7, 1));
  }

  @Test
  void readsConfigOffTheGraph() throws IOException {
    OnnxBertConfig c = importSynthetic(new SyntheticBertOnnx()).config();

    assertThat(c).isEqualTo(new OnnxBertConfig(4, 2, 2, 8, "gelu", 6, 2, 10, 1e-12));
    JsonNode json = c.toJson();
    assertThat(json.get("architectures").get(0).asText()).isEqualTo("BertModel");
    assertThat(json.get("model_type").asText()).isEqualTo("bert");
    assertThat(json.get("layer_norm_eps").asDouble()).isEqualTo(1e-12);
    assertThat(json.get("pad_token_id").asInt()).isZero();
    assertThat(json.get("torch_dtype").asText()).isEqualTo("float32");
  }

  @Test
  void stripsBertPrefix() throws IOException {
    SyntheticBertOnnx g = new SyntheticBertOnnx();
    g.prefix = "bert.";
    g.eps = 1e-5f;
    ImportedBert bert = importSynthetic(g);

    assertThat(bert.tensors()).containsKey("encoder.layer.0.attention.self.key.weight");
    assertThat(bert.tensors().keySet()).noneMatch(n -> n.startsWith("bert."));
    assertThat(bert.config().layerNormEps()).isEqualTo(1e-5);
  }

  @Test
  void failsNamingAMatMulWeightItCannotMap() throws IOException {
    SyntheticBertOnnx g = new SyntheticBertOnnx();
    g.unnamedMatMul = true;

    assertThatThrownBy(() -> importSynthetic(g))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("onnx::MatMul_999")
        .hasMessageContaining("MatMul_7")
        .hasMessageContaining("expected its output to feed an Add")
        .hasMessageContaining("Relu 'Relu_8'");
  }

  @Test
  void failsNamingMissingTensors() throws IOException {
    SyntheticBertOnnx g = new SyntheticBertOnnx();
    g.omit.add("encoder.layer.1.output.LayerNorm.bias");
    g.omit.add("encoder.layer.1.attention.self.value.weight");

    assertThatThrownBy(() -> importSynthetic(g))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("missing encoder.layer.1.output.LayerNorm.bias[4]")
        .hasMessageContaining("missing encoder.layer.1.attention.self.value.weight[4, 4]");
  }

  @Test
  void failsWhenHeadsDoNotMultiplyToHidden() throws IOException {
    SyntheticBertOnnx g = new SyntheticBertOnnx();
    g.heads = 3; // head_dim 4/3 = 1, 3 * 1 != 4

    assertThatThrownBy(() -> importSynthetic(g))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("expected num_heads * head_dim == hidden_size 4");
  }

  @Test
  void writesHubDirectory() throws IOException {
    ImportedBert bert = importSynthetic(new SyntheticBertOnnx());
    Path tokenizer = Files.writeString(tmp.resolve("tok.json"), "{\"model\":{}}");
    Path out = tmp.resolve("out");

    BertOnnxImporter.writeHubDirectory(bert, out, tokenizer);

    JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
    assertThat(config.get("num_attention_heads").asInt()).isEqualTo(2);
    assertThat(out.resolve("tokenizer.json")).hasContent("{\"model\":{}}");
    byte[] st = Files.readAllBytes(out.resolve("model.safetensors"));
    long headerLen = ByteBuffer.wrap(st, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    JsonNode header =
        new ObjectMapper().readTree(new String(st, 8, (int) headerLen, StandardCharsets.UTF_8));
    assertThat(header.get("encoder.layer.0.intermediate.dense.weight").get("shape").toString())
        .isEqualTo("[8,4]");
    assertThat(header.get("encoder.layer.0.intermediate.dense.weight").get("dtype").asText())
        .isEqualTo("F32");
  }

  @Test
  void modulePathFromNodeName() {
    assertThat(BertOnnxImporter.modulePathOf("/encoder/layer.0/attention/self/query/MatMul"))
        .isEqualTo("encoder.layer.0.attention.self.query");
    assertThat(BertOnnxImporter.modulePathOf("/bert/encoder/layer.3/output/dense/MatMul"))
        .isEqualTo("encoder.layer.3.output.dense");
    assertThat(BertOnnxImporter.modulePathOf("MatMul_7")).isNull();
    assertThat(BertOnnxImporter.modulePathOf("/MatMul")).isNull();
  }
}
