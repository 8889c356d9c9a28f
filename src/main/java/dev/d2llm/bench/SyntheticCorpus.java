package dev.d2llm.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.d2llm.data.CorpusDocument;
import dev.d2llm.data.CorpusFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A large benchmark corpus made of real sentences: each passage joins two different sentences of a
 * pool, drawn by a seeded generator, so passages are unique and the same pool and seed always give
 * the same corpus.
 */
public final class SyntheticCorpus {

  /** Pair files whose sentences feed the default pool, relative to the shared data directory. */
  static final List<String> PAIR_FILES =
      List.of("en/stsb/train.tsv", "en/sick-r/train.tsv", "en/sick-r/dev.tsv");

  /** A BEIR corpus whose passages are split into sentences for the default pool. */
  static final String PASSAGES = "en/msmarco-5k/corpus.jsonl";

  private static final int MIN_WORDS = 4;
  private static final int MAX_WORDS = 60;

  private final List<String> sentences;

  /** A pool of distinct, non-blank sentences (duplicates are dropped, order kept); at least two. */
  public SyntheticCorpus(List<String> sentences) {
    Set<String> distinct = new LinkedHashSet<>();
    for (String s : sentences) {
      Objects.requireNonNull(s, "sentence");
      if (!s.isBlank()) {
        distinct.add(s.strip());
      }
    }
    if (distinct.size() < 2) {
      throw new IllegalArgumentException(
          "a synthetic corpus needs at least 2 distinct sentences, found " + distinct.size());
    }
    this.sentences = List.copyOf(distinct);
  }

  /**
   * The default pool from the shared data directory: both columns of STS-B train and SICK train and
   * dev, and the msmarco-5k passages split into sentences of 4 to 60 words, less every sentence in
   * {@code heldOut} (the benchmark's queries, which must not be part of the corpus).
   */
  public static SyntheticCorpus fromSharedData(Path data, Set<String> heldOut) {
    List<String> pool = new ArrayList<>();
    for (String file : PAIR_FILES) {
      pool.addAll(BenchTexts.fromPairFile(data.resolve(file), Integer.MAX_VALUE));
    }
    for (CorpusDocument d : CorpusFiles.read(data.resolve(PASSAGES))) {
      pool.addAll(sentencesOf(CorpusFiles.passageText(d)));
    }
    Set<String> held = new HashSet<>();
    heldOut.forEach(s -> held.add(s.strip()));
    return new SyntheticCorpus(pool.stream().filter(s -> !held.contains(s.strip())).toList());
  }

  /** The pool's sentences, in the order they were first seen. */
  public List<String> sentences() {
    return sentences;
  }

  /**
   * {@code count} passages {@code "<sentence a> <sentence b>"} with a != b, ids {@code syn-0000001}
   * and up; every passage text is distinct. Fails when the pool is too small to give that many.
   */
  public List<CorpusDocument> passages(int count, long seed) {
    long n = sentences.size();
    if (count < 0 || count > n * (n - 1) / 2) {
      throw new IllegalArgumentException(
          "count must be in [0, "
              + n * (n - 1) / 2
              + "] for a pool of "
              + n
              + " sentences, found "
              + count);
    }
    SplittableRandom random = new SplittableRandom(seed);
    Set<String> seen = new HashSet<>(count * 2);
    List<CorpusDocument> out = new ArrayList<>(count);
    while (out.size() < count) {
      int a = random.nextInt(sentences.size());
      int b = random.nextInt(sentences.size() - 1);
      if (b >= a) {
        b++; // uniform over the other sentences
      }
      String text = sentences.get(a) + " " + sentences.get(b);
      if (seen.add(text)) {
        out.add(
            new CorpusDocument(String.format(Locale.ROOT, "syn-%07d", out.size() + 1), "", text));
      }
    }
    return out;
  }

  /** Writes documents as a BEIR {@code corpus.jsonl} ({@code _id}, {@code title}, {@code text}). */
  public static void writeJsonLines(List<CorpusDocument> documents, Path file) {
    ObjectMapper json = new ObjectMapper();
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        for (CorpusDocument d : documents) {
          ObjectNode o = json.createObjectNode();
          o.put("_id", d.id());
          o.put("title", d.title());
          o.put("text", d.text());
          out.write(json.writeValueAsString(o));
          out.write('\n');
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static List<String> sentencesOf(String passage) {
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
    it.setText(passage);
    List<String> out = new ArrayList<>();
    for (int start = it.first(), end = it.next();
        end != BreakIterator.DONE;
        start = end, end = it.next()) {
      String s = passage.substring(start, end).strip();
      int words = s.isEmpty() ? 0 : s.split("\\s+").length;
      if (words >= MIN_WORDS && words <= MAX_WORDS) {
        out.add(s);
      }
    }
    return out;
  }
}
