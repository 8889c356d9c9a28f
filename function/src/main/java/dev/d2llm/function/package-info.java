/** The serverless search function: Funqy HTTP shells over the core's search service. */
package dev.d2llm.function;
