package dev.d2llm.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The hyper-parameters of a BERT encoder recovered from an ONNX export, as Hugging Face's {@code
 * config.json} names them.
 */
public record OnnxBertConfig(
    int hiddenSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int intermediateSize,
    String hiddenAct,
    int maxPositionEmbeddings,
    int typeVocabSize,
    int vocabSize,
    double layerNormEps) {

  /** The content of a Hugging Face {@code config.json} for a float32 {@code BertModel}. */
  public ObjectNode toJson() {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.putArray("architectures").add("BertModel");
    o.put("model_type", "bert");
    o.put("hidden_size", hiddenSize);
    o.put("num_hidden_layers", numHiddenLayers);
    o.put("num_attention_heads", numAttentionHeads);
    o.put("intermediate_size", intermediateSize);
    o.put("hidden_act", hiddenAct);
    o.put("max_position_embeddings", maxPositionEmbeddings);
    o.put("type_vocab_size", typeVocabSize);
    o.put("vocab_size", vocabSize);
    o.put("layer_norm_eps", layerNormEps);
    o.put("pad_token_id", 0);
    o.put("torch_dtype", "float32");
    return o;
  }
}
