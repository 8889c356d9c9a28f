package dev.d2llm.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.d2llm.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackboneConfigTest {

  @TempDir Path dir;

  private BackboneConfig read(String json) throws IOException {
    Files.writeString(dir.resolve("config.json"), json);
    return BackboneConfig.read(dir);
  }

  @Test
  void readsBertConfigWithDefaults() throws IOException {
    BackboneConfig c =
        read(
            """
        {"model_type":"bert","vocab_size":30522,"hidden_size":384,"num_hidden_layers":12,
         "num_attention_heads":12,"intermediate_size":1536}""");
    assertThat(c).isInstanceOf(BertConfig.class);
    BertConfig b = (BertConfig) c;
    assertThat(b.headDim()).isEqualTo(32);
    assertThat(b.layerNormEps()).isEqualTo(1e-12);
    assertThat(b.maxPositions()).isEqualTo(512);
  }

  @Test
  void readsTransformers4LlamaRopeScaling() throws IOException {
    DecoderConfig c =
        (DecoderConfig)
            read(
                """
        {"model_type":"llama","vocab_size":128256,"hidden_size":4096,"num_hidden_layers":32,
         "num_attention_heads":32,"num_key_value_heads":8,"intermediate_size":14336,
         "rope_theta":500000.0,"tie_word_embeddings":false,
         "rope_scaling":{"factor":8.0,"low_freq_factor":1.0,"high_freq_factor":4.0,
                         "original_max_position_embeddings":8192,"rope_type":"llama3"}}""");
    assertThat(c.family()).isEqualTo(DecoderFamily.LLAMA);
    assertThat(c.groupSize()).isEqualTo(4);
    assertThat(c.headDim()).isEqualTo(128);
    assertThat(c.rope().scaling()).isEqualTo(RopeConfig.Scaling.LLAMA3);
    assertThat(c.rope().theta()).isEqualTo(500000.0);
    assertThat(c.rope().originalMaxPositions()).isEqualTo(8192);
  }

  @Test
  void readsTransformers5RopeParameters() throws IOException {
    DecoderConfig c =
        (DecoderConfig)
            read(
                """
        {"model_type":"qwen3","vocab_size":100,"hidden_size":64,"num_hidden_layers":2,
         "num_attention_heads":4,"num_key_value_heads":2,"head_dim":32,"intermediate_size":128,
         "rope_parameters":{"rope_type":"default","rope_theta":1000000.0}}""");
    assertThat(c.headDim()).isEqualTo(32);
    assertThat(c.rope().theta()).isEqualTo(1000000.0);
    assertThat(c.rope().scaling()).isEqualTo(RopeConfig.Scaling.NONE);
    assertThat(c.family().qkNorm()).isTrue();
  }

  @Test
  void rejectsUnknownModelTypeNamingTheSupportedOnes() {
    assertThatThrownBy(() -> read("{\"model_type\":\"gpt2\"}"))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("'gpt2'")
        .hasMessageContaining("qwen2");
  }

  @Test
  void rejectsHeadsThatDoNotDivideIntoKvGroups() {
    assertThatThrownBy(
            () ->
                read(
                    """
        {"model_type":"qwen2","vocab_size":100,"hidden_size":64,"num_hidden_layers":2,
         "num_attention_heads":4,"num_key_value_heads":3,"intermediate_size":128}"""))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("num_key_value_heads 3");
  }

  @Test
  void rejectsMissingRequiredKeyNamingIt() {
    assertThatThrownBy(() -> read("{\"model_type\":\"bert\",\"vocab_size\":10}"))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("hidden_size");
  }
}
