/** Reference implementations d2llm is checked and measured against, such as ONNX Runtime. */
package dev.d2llm.peer;
