/**
 * Proof of fidelity: our backbones against ONNX Runtime and against Hugging Face reference outputs.
 */
package dev.d2llm.verify;
