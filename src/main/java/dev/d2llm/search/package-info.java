/**
 * Semantic search over an index: the query is encoded once by the student, then either every
 * passage is scored by the IEM (the exact D2LLM ranking) or a cosine scan picks candidates that the
 * IEM re-ranks. The scan kernel is SIMD (Java Vector API) with a plain scalar reference.
 */
package dev.d2llm.search;
