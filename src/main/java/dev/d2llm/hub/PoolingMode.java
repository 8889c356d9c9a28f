package dev.d2llm.hub;

/** How token embeddings become one sentence embedding, as sentence-transformers' Pooling module names it. */
public enum PoolingMode {
  /** The first token's ({@code [CLS]}) hidden state: BGE models. */
  CLS,
  /** The attention-masked mean over tokens: MiniLM, E5 and most sentence-transformers models. */
  MEAN,
  /** The last non-padding token's hidden state: decoder-style embedders. */
  LAST_TOKEN
}
