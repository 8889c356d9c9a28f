/**
 * Hard-negative mining for distillation: for each training query, the candidates of its data set's
 * pool (all the set's positives) that a retriever ranks highest, its own positives and itself left
 * out. BM25 through Lucene and exact cosine over any embedding function sit behind one interface.
 */
package dev.d2llm.mining;
