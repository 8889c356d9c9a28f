/** Evaluation: correlation, pair-classification and retrieval metrics, and the evaluation runs. */
package dev.d2llm.eval;
