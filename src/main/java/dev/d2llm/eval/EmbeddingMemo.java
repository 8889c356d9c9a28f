package dev.d2llm.eval;

import dev.d2llm.embedding.TextEncoder;
import dev.d2llm.embedding.TextRole;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Each distinct (role, text) embedded once by one encoder: retrieval scores every query against the
 * same corpus.
 */
final class EmbeddingMemo {

  private final TextEncoder encoder;
  private final Map<String, float[]> memo = new HashMap<>();

  EmbeddingMemo(TextEncoder encoder) {
    this.encoder = encoder;
  }

  /** The vector of each text in {@code role}, embedding only those not seen before. */
  Map<String, float[]> embed(List<String> texts, TextRole role) {
    List<String> missing = new ArrayList<>(new LinkedHashSet<>(texts));
    missing.removeIf(t -> memo.containsKey(key(role, t)));
    float[][] fresh = encoder.embed(missing, role);
    for (int i = 0; i < missing.size(); i++) {
      memo.put(key(role, missing.get(i)), fresh[i]);
    }
    Map<String, float[]> out = new HashMap<>();
    for (String t : texts) {
      out.put(t, memo.get(key(role, t)));
    }
    return out;
  }

  private static String key(TextRole role, String text) {
    return role + "\u0000" + text;
  }
}
