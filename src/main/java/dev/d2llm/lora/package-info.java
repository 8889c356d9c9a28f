/** Low-rank adapters (LoRA) on a backbone's projections: attach, train, save, merge for serving. */
package dev.d2llm.lora;
