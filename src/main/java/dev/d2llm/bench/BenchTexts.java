package dev.d2llm.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Benchmark sentences read from a pair file ({@code sentence1 \t sentence2 \t label}), a BEIR
 * {@code queries.jsonl} or a plain one-per-line file, deduplicated.
 */
public final class BenchTexts {

  private static final ObjectMapper JSON = new ObjectMapper();

  private BenchTexts() {}

  /**
   * Up to {@code limit} distinct texts of {@code file}: both columns of a pair file ({@code .tsv}),
   * the {@code text} of each line of a {@code .jsonl} (BEIR queries or corpus), or every non-blank
   * line.
   */
  public static List<String> fromFile(Path file, int limit) {
    String name = file.getFileName().toString();
    if (name.endsWith(".tsv")) {
      return fromPairFile(file, limit);
    }
    Set<String> out = new LinkedHashSet<>();
    try {
      List<String> lines = Files.readAllLines(file);
      for (int i = 0; i < lines.size() && out.size() < limit; i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty()) {
          continue;
        }
        String text = name.endsWith(".jsonl") ? JSON.readTree(line).path("text").asText("") : line;
        if (!text.isBlank()) {
          out.add(text.strip());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read benchmark texts from " + file, e);
    }
    return new ArrayList<>(out);
  }

  /** Up to {@code limit} distinct sentences from both columns of {@code tsv}, header skipped. */
  public static List<String> fromPairFile(Path tsv, int limit) {
    Set<String> out = new LinkedHashSet<>();
    try {
      List<String> lines = Files.readAllLines(tsv);
      for (int i = 1; i < lines.size() && out.size() < limit; i++) {
        String[] cols = lines.get(i).split("\t");
        for (int c = 0; c < Math.min(2, cols.length) && out.size() < limit; c++) {
          if (!cols[c].isBlank()) {
            out.add(cols[c]);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read benchmark texts from " + tsv, e);
    }
    return new ArrayList<>(out);
  }
}
