/**
 * Transformer backbones loaded from Hugging Face model directories: the BERT family (BERT, BGE, E5,
 * MiniLM) and decoder LLMs (Qwen2/2.5, Llama 3.x, Qwen3), with their typed configurations.
 */
package dev.d2llm.backbone;
