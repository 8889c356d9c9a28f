package dev.d2llm.teacher;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.d2llm.nn.Linear;
import dev.d2llm.nn.NamedBlock;

/**
 * The head of Hugging Face's {@code BertForSequenceClassification} with one label: the pooler
 * ({@code tanh(W [CLS] + b)}) then {@code classifier}; its names match, so Hub cross-encoders load.
 */
public final class CrossEncoderHead extends NamedBlock {

  private final Linear pooler;
  private final Linear classifier;

  public CrossEncoderHead(int dim) {
    pooler = child("bert.pooler.dense", new Linear(dim, dim, true));
    classifier = child("classifier", new Linear(dim, 1, true));
  }

  /** The pooled [CLS] feature [B,d] for token states [B,T,d]. */
  public NDArray feature(ParameterStore ps, NDArray hidden, boolean training) {
    return pooler.apply(ps, hidden.get(":, 0, :"), training).tanh();
  }

  /** Relevance logits [B] for pooled features [B,d]. */
  public NDArray logits(ParameterStore ps, NDArray feature, boolean training) {
    return classifier.apply(ps, feature, training).squeeze(-1);
  }
}
