package dev.d2llm.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a retrieval set in the BEIR layout: {@code corpus.jsonl} ({@code _id}, {@code title},
 * {@code text}), {@code queries.jsonl} ({@code _id}, {@code text}) and {@code qrels/<split>.tsv}
 * ({@code query-id corpus-id score}). Judgements must refer to ids the set has.
 */
public final class BeirFiles {

  /** The header of a qrels file. */
  public static final String QRELS_HEADER = "query-id\tcorpus-id\tscore";

  private BeirFiles() {}

  /** Reads the set in {@code dir} with its {@code test} judgements. */
  public static RetrievalSet read(Path dir) {
    return read(dir, "test");
  }

  /** Reads the set in {@code dir} with the judgements of {@code qrels/<split>.tsv}. */
  public static RetrievalSet read(Path dir, String split) {
    Map<String, CorpusDocument> corpus = new LinkedHashMap<>();
    Path corpusFile = dir.resolve("corpus.jsonl");
    JsonLines.forEach(
        corpusFile,
        (node, line) -> {
          CorpusDocument d =
              new CorpusDocument(
                  id(corpusFile, line, node),
                  JsonLines.optionalString(corpusFile, line, node, "title"),
                  JsonLines.string(corpusFile, line, node, "text"));
          if (corpus.putIfAbsent(d.id(), d) != null) {
            throw new DataFormatException(
                corpusFile, line, "duplicate document id '" + d.id() + "'");
          }
        });
    Map<String, RetrievalQuery> queries = new LinkedHashMap<>();
    Path queryFile = dir.resolve("queries.jsonl");
    JsonLines.forEach(
        queryFile,
        (node, line) -> {
          RetrievalQuery q =
              new RetrievalQuery(
                  id(queryFile, line, node), JsonLines.string(queryFile, line, node, "text"));
          if (queries.putIfAbsent(q.id(), q) != null) {
            throw new DataFormatException(queryFile, line, "duplicate query id '" + q.id() + "'");
          }
        });
    Qrels qrels = readQrels(dir.resolve("qrels").resolve(split + ".tsv"), corpus, queries);
    return new RetrievalSet(corpus, queries, qrels);
  }

  private static Qrels readQrels(
      Path file, Map<String, CorpusDocument> corpus, Map<String, RetrievalQuery> queries) {
    Map<String, Map<String, Integer>> byQuery = new LinkedHashMap<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null || !TextLines.stripBom(TextLines.stripCr(header)).equals(QRELS_HEADER)) {
        throw new DataFormatException(
            file,
            1,
            "expected the header 'query-id\\tcorpus-id\\tscore', found "
                + (header == null ? "an empty file" : "'" + header.replace("\t", "\\t") + "'"));
      }
      long lineNo = 1;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        String[] f = TextLines.stripCr(line).split("\t", -1);
        if (f.length != 3) {
          throw new DataFormatException(
              file,
              lineNo,
              "expected 3 tab-separated fields (query-id, corpus-id, score), found " + f.length);
        }
        if (!queries.containsKey(f[0])) {
          throw new DataFormatException(
              file, lineNo, "query id '" + f[0] + "' is not in queries.jsonl");
        }
        if (!corpus.containsKey(f[1])) {
          throw new DataFormatException(
              file, lineNo, "corpus id '" + f[1] + "' is not in corpus.jsonl");
        }
        int grade;
        try {
          grade = Integer.parseInt(f[2].trim());
        } catch (NumberFormatException e) {
          throw new DataFormatException(
              file, lineNo, "expected an integer relevance grade, found '" + f[2] + "'");
        }
        if (byQuery.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).putIfAbsent(f[1], grade)
            != null) {
          throw new DataFormatException(
              file, lineNo, "second judgement of query '" + f[0] + "' and document '" + f[1] + "'");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read qrels file " + file, e);
    }
    return new Qrels(byQuery);
  }

  static String id(Path file, long line, JsonNode node) {
    JsonNode id = node.get("_id");
    // Some BEIR sets write numeric ids as JSON numbers.
    if (id == null || !(id.isTextual() || id.isIntegralNumber()) || id.asText().isEmpty()) {
      throw new DataFormatException(file, line, "expected a non-empty string '_id', found " + id);
    }
    return id.asText();
  }
}
