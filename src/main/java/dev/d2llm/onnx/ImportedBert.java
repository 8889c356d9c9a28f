package dev.d2llm.onnx;

import dev.d2llm.checkpoint.HostTensor;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** A BERT encoder taken out of an ONNX export: tensors under Hugging Face names, and its config. */
public record ImportedBert(Map<String, HostTensor> tensors, OnnxBertConfig config) {

  public ImportedBert {
    tensors = Collections.unmodifiableMap(new TreeMap<>(tensors));
  }
}
