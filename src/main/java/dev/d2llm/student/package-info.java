/**
 * The D2LLM student: backbone with LoRA, PMA pooling into one vector per text, and the Interaction
 * Emulation Module that scores a query vector against a passage vector.
 */
package dev.d2llm.student;
