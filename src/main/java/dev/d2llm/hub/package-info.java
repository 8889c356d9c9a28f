/**
 * Models as the Hugging Face Hub lays them out, sentence-transformers extras included, and the
 * encoders bundled as ONNX in langchain4j jars on Maven Central that can be pulled into that
 * layout.
 */
package dev.d2llm.hub;
