/**
 * Reading ONNX exports of BERT-family encoders without generated protobuf code, and turning them
 * back into Hugging Face checkpoints (named safetensors plus {@code config.json}).
 */
package dev.d2llm.onnx;
