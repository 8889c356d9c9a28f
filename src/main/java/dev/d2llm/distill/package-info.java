/**
 * Distillation: the batch plan (homogeneous, seeded), the teacher pairs it needs, student token
 * states (live or cached from a frozen backbone), and the training loop with the D2LLM losses.
 */
package dev.d2llm.distill;
