package dev.d2llm.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a corpus to index: a BEIR {@code corpus.jsonl} ({@code _id}, {@code title}, {@code text})
 * when the file name ends in {@code .jsonl}, otherwise one passage per line with its 1-based line
 * number as id (blank lines skipped, numbering kept).
 */
public final class CorpusFiles {

  private CorpusFiles() {}

  /** The documents of {@code file}, in file order; duplicate ids are an error naming the line. */
  public static List<CorpusDocument> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DataFormatException(file, 0, "no such corpus file");
    }
    return file.getFileName().toString().endsWith(".jsonl")
        ? readJsonLines(file)
        : readTextLines(file);
  }

  /**
   * The text a model reads for a document: {@code title + " " + text}, or the text alone without a
   * title.
   */
  public static String passageText(CorpusDocument d) {
    return d.title().isEmpty() ? d.text() : d.title() + " " + d.text();
  }

  private static List<CorpusDocument> readJsonLines(Path file) {
    List<CorpusDocument> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    JsonLines.forEach(
        file,
        (node, line) -> {
          CorpusDocument d =
              new CorpusDocument(
                  BeirFiles.id(file, line, node),
                  JsonLines.optionalString(file, line, node, "title"),
                  JsonLines.string(file, line, node, "text"));
          if (!seen.add(d.id())) {
            throw new DataFormatException(file, line, "duplicate document id '" + d.id() + "'");
          }
          out.add(d);
        });
    return out;
  }

  private static List<CorpusDocument> readTextLines(Path file) {
    List<CorpusDocument> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      long lineNo = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        String text = TextLines.stripCr(lineNo == 1 ? TextLines.stripBom(line) : line).strip();
        if (!text.isEmpty()) {
          out.add(new CorpusDocument(Long.toString(lineNo), "", text));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return out;
  }
}
