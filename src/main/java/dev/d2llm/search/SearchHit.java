package dev.d2llm.search;

/**
 * One ranked passage: its id, the IEM's relevance probability sigmoid(z), its text and its row in
 * the index.
 */
public record SearchHit(String id, double score, String text, int row) {}
