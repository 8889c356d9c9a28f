/**
 * Benchmarks that time d2llm against a real peer in the same run and report ratios of medians
 * (encoder against ONNX Runtime, scan against Apache Lucene), measure search latency, bandwidth and
 * two-stage recall, and build the cached corpora they run on.
 */
package dev.d2llm.bench;
