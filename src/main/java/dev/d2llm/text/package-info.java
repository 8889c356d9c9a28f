/** Text to token ids: Hugging Face {@code tokenizer.json} tokenizers and padded batches. */
package dev.d2llm.text;
