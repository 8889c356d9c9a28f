package dev.d2llm.embedding;

import java.util.List;
import java.util.function.IntConsumer;

/** Anything that turns texts into vectors: a plain pooled encoder, or a D2LLM student. */
public interface TextEncoder extends AutoCloseable {

  /**
   * One vector per text, in input order, reporting each finished batch's size to {@code progress}.
   */
  float[][] embed(List<String> texts, TextRole role, IntConsumer progress);

  /** One vector per text, in input order. */
  default float[][] embed(List<String> texts, TextRole role) {
    return embed(texts, role, n -> {});
  }

  /** The vectors' width. */
  int dimension();

  @Override
  void close();
}
