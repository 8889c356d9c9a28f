/**
 * Teachers: cross-encoders that read a query and a passage together and give the relevance
 * probability and the feature vector the student learns to imitate.
 */
package dev.d2llm.teacher;
