/** Benchmarks that time d2llm against a real peer in the same run and report ratios of medians. */
package dev.d2llm.bench;
