/**
 * Checkpoints as they are on the Hugging Face Hub: safetensors files (single or sharded), read
 * memory-mapped and written back, behind the small {@link dev.d2llm.checkpoint.TensorSource} view.
 */
package dev.d2llm.checkpoint;
