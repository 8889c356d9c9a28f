package dev.d2llm.eval;

import dev.d2llm.embedding.SentenceEncoder;
import dev.d2llm.embedding.TextEncoder;
import dev.d2llm.embedding.TextRole;
import dev.d2llm.student.Branch;
import dev.d2llm.teacher.TextPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Cosine similarity of embeddings: the zero-shot baseline with a plain encoder's native pooling
 * and prefixes (queries as queries, passages as passages on the asymmetric branch), or the
 * "no IEM" ablation on a student's PMA vectors. Each distinct text is embedded once.
 */
public final class CosineScorer implements PairScorer {

  private final TextEncoder encoder;
  // Retrieval scores every query against the same corpus: embed each (role, text) once.
  private final Map<String, float[]> memo = new HashMap<>();

  public CosineScorer(TextEncoder encoder) {
    this.encoder = encoder;
  }

  @Override
  public double[] score(List<TextPair> pairs, Branch branch, IntConsumer progress) {
    TextRole left = branch == Branch.ASYMMETRIC ? TextRole.QUERY : TextRole.PLAIN;
    TextRole right = branch == Branch.ASYMMETRIC ? TextRole.PASSAGE : TextRole.PLAIN;
    Map<String, float[]> a = embed(pairs.stream().map(TextPair::query).toList(), left);
    Map<String, float[]> b = embed(pairs.stream().map(TextPair::passage).toList(), right);
    double[] out = new double[pairs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = SentenceEncoder.cosine(a.get(pairs.get(i).query()), b.get(pairs.get(i).passage()));
    }
    progress.accept(pairs.size());
    return out;
  }

  private Map<String, float[]> embed(List<String> texts, TextRole role) {
    List<String> missing = new ArrayList<>(new LinkedHashSet<>(texts));
    missing.removeIf(t -> memo.containsKey(role + "\u0000" + t));
    float[][] v = encoder.embed(missing, role);
    for (int i = 0; i < missing.size(); i++) {
      memo.put(role + "\u0000" + missing.get(i), v[i]);
    }
    Map<String, float[]> out = new HashMap<>();
    for (String t : texts) {
      out.put(t, memo.get(role + "\u0000" + t));
    }
    return out;
  }
}
