/**
 * Sentence embeddings from a backbone: a model's native pooling and prefixes, length-sorted
 * batching and scoped native memory. This is the zero-shot bi-encoder baseline D2LLM improves on.
 */
package dev.d2llm.embedding;
