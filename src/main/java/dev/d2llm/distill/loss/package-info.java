/**
 * The D2LLM training losses (in-batch contrastive, contrastive imitation, rank imitation, feature
 * imitation) as pure functions over DJL arrays, built only from operations that autograd records,
 * and the weighted combination a training step minimises.
 */
package dev.d2llm.distill.loss;
