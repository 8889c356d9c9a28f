package dev.d2llm.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Reads pair files: UTF-8, tab-separated, header {@code sentence1 sentence2 label}, no quoting. The
 * task is detected from the labels unless the caller names it.
 */
public final class PairFiles {

  /** The header every pair file starts with. */
  public static final String HEADER = "sentence1\tsentence2\tlabel";

  private PairFiles() {}

  /**
   * Reads a pair file and detects its task: NLI when the labels are NLI words, binary when every
   * label is 0 or 1, STS for any other numbers. A file that mixes kinds, or has a label of none,
   * fails naming the line.
   */
  public static PairSet read(Path file) {
    List<RawPair> raw = readRaw(file);
    PairTask task = detect(file, raw);
    return new PairSet(file, task, labelled(file, raw, task));
  }

  /**
   * Reads a pair file whose task is known; a label that does not belong to it fails naming the
   * line.
   */
  public static PairSet read(Path file, PairTask task) {
    return new PairSet(file, task, labelled(file, readRaw(file), task));
  }

  private record RawPair(long line, String text1, String text2, String label) {}

  private static PairTask detect(Path file, List<RawPair> raw) {
    if (raw.isEmpty()) {
      throw new DataFormatException(file, 0, "no pairs after the header; cannot tell the task");
    }
    RawPair first = raw.get(0);
    boolean nli = PairTask.NLI.parseLabel(first.label()).isPresent();
    boolean binary = true;
    for (RawPair p : raw) {
      boolean isNli = PairTask.NLI.parseLabel(p.label()).isPresent();
      OptionalDouble number = PairTask.STS.parseLabel(p.label());
      if (!isNli && number.isEmpty()) {
        throw new DataFormatException(
            file,
            p.line(),
            "unknown label '"
                + p.label()
                + "'; expected a number or one of "
                + PairTask.NLI.expected());
      }
      if (isNli != nli) {
        throw new DataFormatException(
            file,
            p.line(),
            "mixed labels: line "
                + first.line()
                + " has '"
                + first.label()
                + "' ("
                + (nli ? "NLI" : "numeric")
                + ") but this line has '"
                + p.label()
                + "'");
      }
      binary &= !nli && PairTask.BINARY.parseLabel(p.label()).isPresent();
    }
    return nli ? PairTask.NLI : binary ? PairTask.BINARY : PairTask.STS;
  }

  private static List<LabelledPair> labelled(Path file, List<RawPair> raw, PairTask task) {
    List<LabelledPair> pairs = new ArrayList<>(raw.size());
    for (RawPair p : raw) {
      OptionalDouble label = task.parseLabel(p.label());
      if (label.isEmpty()) {
        throw new DataFormatException(
            file,
            p.line(),
            "label '" + p.label() + "' is not a " + task + " label; expected " + task.expected());
      }
      pairs.add(new LabelledPair(p.text1(), p.text2(), label.getAsDouble()));
    }
    return pairs;
  }

  private static List<RawPair> readRaw(Path file) {
    List<RawPair> pairs = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null) {
        throw new DataFormatException(file, 0, "empty file; expected the header " + show(HEADER));
      }
      header = TextLines.stripBom(TextLines.stripCr(header));
      if (!header.equals(HEADER)) {
        throw new DataFormatException(
            file, 1, "expected the header " + show(HEADER) + ", found " + show(header));
      }
      long lineNo = 1;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        String[] f = TextLines.stripCr(line).split("\t", -1);
        if (f.length != 3) {
          throw new DataFormatException(
              file,
              lineNo,
              "expected 3 tab-separated fields (sentence1, sentence2, label), found " + f.length);
        }
        if (f[0].isBlank() || f[1].isBlank()) {
          throw new DataFormatException(
              file, lineNo, "empty " + (f[0].isBlank() ? "sentence1" : "sentence2"));
        }
        pairs.add(new RawPair(lineNo, f[0], f[1], f[2]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read pair file " + file, e);
    }
    return pairs;
  }

  private static String show(String s) {
    return "'" + s.replace("\t", "\\t") + "'";
  }
}
