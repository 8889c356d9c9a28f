package dev.d2llm.eval;

import dev.d2llm.embedding.SentenceEncoder;
import dev.d2llm.embedding.TextEncoder;
import dev.d2llm.embedding.TextRole;
import dev.d2llm.student.Branch;
import dev.d2llm.teacher.TextPair;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Cosine similarity of embeddings: the zero-shot baseline with a plain encoder's native pooling and
 * prefixes (queries as queries, passages as passages on the asymmetric branch), or the "no IEM"
 * ablation on a student's PMA vectors. Each distinct text is embedded once.
 */
public final class CosineScorer implements PairScorer {

  private final EmbeddingMemo memo;

  public CosineScorer(TextEncoder encoder) {
    this.memo = new EmbeddingMemo(encoder);
  }

  @Override
  public double[] score(List<TextPair> pairs, Branch branch, IntConsumer progress) {
    TextRole left = branch == Branch.ASYMMETRIC ? TextRole.QUERY : TextRole.PLAIN;
    TextRole right = branch == Branch.ASYMMETRIC ? TextRole.PASSAGE : TextRole.PLAIN;
    Map<String, float[]> a = memo.embed(pairs.stream().map(TextPair::query).toList(), left);
    Map<String, float[]> b = memo.embed(pairs.stream().map(TextPair::passage).toList(), right);
    double[] out = new double[pairs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = SentenceEncoder.cosine(a.get(pairs.get(i).query()), b.get(pairs.get(i).passage()));
    }
    progress.accept(pairs.size());
    return out;
  }
}
