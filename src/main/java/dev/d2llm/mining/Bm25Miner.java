package dev.d2llm.mining;

import dev.d2llm.data.TrainingExample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;

/**
 * Mines hard negatives with BM25: each data set's pool goes into an in-memory Lucene index, and
 * each query, cut into terms by its {@link Language}'s analyzer, is a disjunction of those terms (a
 * term the query repeats weighs as often as it occurs).
 */
public final class Bm25Miner implements NegativeMiner {

  /** Lucene's BM25 term-frequency saturation. */
  public static final float DEFAULT_K1 = 1.2f;

  /** Lucene's BM25 length normalisation. */
  public static final float DEFAULT_B = 0.75f;

  private static final String TEXT = "text";
  private static final String INDEX = "index";

  private final Language language;
  private final BM25Similarity similarity;

  /** BM25 with Lucene's defaults, k1 = 1.2 and b = 0.75. */
  public Bm25Miner(Language language) {
    this(language, DEFAULT_K1, DEFAULT_B);
  }

  /**
   * BM25 with the given saturation {@code k1} (>= 0) and length normalisation {@code b} (0 to 1).
   */
  public Bm25Miner(Language language, float k1, float b) {
    this.language = Objects.requireNonNull(language, "language");
    if (!(k1 >= 0 && Float.isFinite(k1)) || !(b >= 0 && b <= 1)) {
      throw new IllegalArgumentException(
          "BM25 needs k1 >= 0 and 0 <= b <= 1, found k1 = " + k1 + ", b = " + b);
    }
    this.similarity = new BM25Similarity(k1, b);
  }

  @Override
  public List<List<String>> negatives(List<TrainingExample> examples, int k) {
    return CandidatePool.mine(examples, k, this::rank);
  }

  private Map<String, List<String>> rank(CandidatePool pool, int k) {
    List<String> texts = pool.texts();
    Map<String, List<String>> ranked = new LinkedHashMap<>();
    try (Analyzer analyzer = language.newAnalyzer();
        Directory dir = new ByteBuffersDirectory()) {
      // Merging only neighbouring segments keeps document order = pool order, so Lucene's own
      // tie-break by document breaks equal scores by text.
      IndexWriterConfig config =
          new IndexWriterConfig(analyzer)
              .setSimilarity(similarity)
              .setMergePolicy(new LogDocMergePolicy())
              .setOpenMode(IndexWriterConfig.OpenMode.CREATE);
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        for (int i = 0; i < texts.size(); i++) {
          Document doc = new Document();
          doc.add(new TextField(TEXT, texts.get(i), Field.Store.NO));
          doc.add(new StoredField(INDEX, i));
          writer.addDocument(doc);
        }
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        searcher.setSimilarity(similarity);
        StoredFields stored = reader.storedFields();
        for (String query : pool.queries()) {
          ranked.put(
              query, search(searcher, stored, analyzer, texts, query, pool.excludedFor(query), k));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("BM25 index of " + texts.size() + " candidates failed", e);
    }
    return ranked;
  }

  private static List<String> search(
      IndexSearcher searcher,
      StoredFields stored,
      Analyzer analyzer,
      List<String> texts,
      String query,
      Set<String> excluded,
      int k)
      throws IOException {
    Query q = query(analyzer, query);
    if (q == null) {
      return List.of(); // nothing left after analysis (only stop words or punctuation)
    }
    // Every excluded text is at most one document of the deduplicated pool.
    ScoreDoc[] hits = searcher.search(q, k + excluded.size()).scoreDocs;
    List<String> out = new ArrayList<>(k);
    for (ScoreDoc hit : hits) {
      String text = texts.get(stored.document(hit.doc).getField(INDEX).numericValue().intValue());
      if (!excluded.contains(text)) {
        out.add(text);
        if (out.size() == k) {
          break;
        }
      }
    }
    return out;
  }

  /** The query's terms as optional clauses, boosted by how often the query repeats them. */
  private static Query query(Analyzer analyzer, String text) throws IOException {
    Map<String, Integer> counts = new LinkedHashMap<>();
    try (TokenStream tokens = analyzer.tokenStream(TEXT, text)) {
      CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
      tokens.reset();
      while (tokens.incrementToken()) {
        counts.merge(term.toString(), 1, Integer::sum);
      }
      tokens.end();
    }
    if (counts.isEmpty()) {
      return null;
    }
    BooleanQuery.Builder builder = new BooleanQuery.Builder();
    int clauses = 0;
    for (Map.Entry<String, Integer> c : counts.entrySet()) {
      if (clauses++ == IndexSearcher.getMaxClauseCount()) {
        break; // a query longer than Lucene allows keeps its first distinct terms
      }
      Query tq = new TermQuery(new Term(TEXT, c.getKey()));
      builder.add(
          c.getValue() == 1 ? tq : new BoostQuery(tq, c.getValue()), BooleanClause.Occur.SHOULD);
    }
    return builder.build();
  }
}
