/**
 * Neural building blocks as DJL blocks whose parameters carry Hugging Face names, so checkpoints
 * load by name and autograd runs through every operation.
 */
package dev.d2llm.nn;
