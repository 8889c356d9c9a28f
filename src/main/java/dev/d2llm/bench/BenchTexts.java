package dev.d2llm.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Benchmark sentences read from a pair file ({@code sentence1 \t sentence2 \t label}), deduplicated. */
public final class BenchTexts {

  private BenchTexts() {}

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
