/**
 * Evaluation and training data: labelled sentence-pair files (STS, pair classification, NLI), BEIR
 * retrieval sets, and the (query, positive, hard negatives) examples that distillation trains on.
 */
package dev.d2llm.data;
