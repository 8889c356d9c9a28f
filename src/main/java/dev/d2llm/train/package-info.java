/**
 * Optimisation shared by every trainer: AdamW with decoupled decay, warm-up schedule, gradient
 * clipping.
 */
package dev.d2llm.train;
