package dev.d2llm.peer;

import dev.d2llm.index.VectorRows;
import dev.d2llm.search.TopK;
import dev.d2llm.store.LocalFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.MMapDirectory;

/**
 * Apache Lucene's exact top-k search over the same unit vectors as a d2llm index: the peer the
 * cosine scan is measured against.
 *
 * <p>Exactness comes from Lucene's own exhaustive path, not from ours: the vectors go into segments
 * written by {@link Lucene99HnswVectorsFormat} with a tiny-segment threshold no segment reaches, so
 * no HNSW graph is built, and a plain {@link KnnFloatVectorQuery} then makes the vectors reader
 * score every vector of each segment (64 at a time through the flat vectors scorer, Lucene's
 * vectorised {@code MemorySegment} one when the Vector API is enabled and the index is
 * memory-mapped), the same loop Lucene runs for segments too small to deserve a graph. The
 * alternatives were worse stand-ins: a filter only forces exact search when it matches fewer
 * documents than k, and scoring {@code FloatVectorValues} by hand would measure our loop with
 * Lucene's dot product rather than Lucene's search. Vectors are stored with {@link
 * VectorSimilarityFunction#DOT_PRODUCT} (they are unit length), in a memory-mapped temporary
 * directory deleted on {@link #close}.
 */
public final class LuceneVectorSearch implements AutoCloseable {

  private static final String VECTOR = "vector";
  private static final String ROW = "row";

  private final Path dir;
  private final MMapDirectory directory;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;
  private final ExecutorService executor;
  private final int[] rowOfDoc;

  private LuceneVectorSearch(Path dir, MMapDirectory directory, int threads) throws IOException {
    this.dir = dir;
    this.directory = directory;
    this.reader = DirectoryReader.open(directory);
    this.executor =
        threads > 1
            ? Executors.newFixedThreadPool(
                threads,
                r -> {
                  Thread t = new Thread(r, "lucene-search");
                  t.setDaemon(true);
                  return t;
                })
            : null;
    this.searcher =
        executor == null ? new IndexSearcher(reader) : new IndexSearcher(reader, executor);
    searcher.setQueryCache(null);
    this.rowOfDoc = new int[reader.maxDoc()];
    for (LeafReaderContext leaf : reader.leaves()) {
      NumericDocValues rows = leaf.reader().getNumericDocValues(ROW);
      for (int doc = rows.nextDoc(); doc != NumericDocValues.NO_MORE_DOCS; doc = rows.nextDoc()) {
        rowOfDoc[leaf.docBase + doc] = (int) rows.longValue();
      }
    }
  }

  /**
   * Indexes every row of {@code rows} (dequantised if int8) into {@code segments} segments of
   * consecutive rows, searched by {@code threads} threads (one segment per task, as Lucene
   * parallelises a kNN query).
   */
  public static LuceneVectorSearch build(VectorRows rows, int segments, int threads) {
    if (segments <= 0 || threads <= 0) {
      throw new IllegalArgumentException(
          "segments and threads must be > 0, found " + segments + ", " + threads);
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("d2llm-lucene");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for the Lucene index", e);
    }
    try {
      MMapDirectory directory = new MMapDirectory(dir);
      int perSegment = Math.max(1, (rows.rows() + segments - 1) / segments);
      IndexWriterConfig config =
          new IndexWriterConfig()
              .setCodec(flatCodec())
              .setMergePolicy(NoMergePolicy.INSTANCE)
              .setUseCompoundFile(false)
              .setMaxBufferedDocs(
                  Math.max(2, perSegment)) // a segment per perSegment rows, flushed by count only
              .setRAMBufferSizeMB(IndexWriterConfig.DISABLE_AUTO_FLUSH);
      try (IndexWriter writer = new IndexWriter(directory, config)) {
        for (int r = 0; r < rows.rows(); r++) {
          Document doc = new Document();
          doc.add(
              new KnnFloatVectorField(VECTOR, rows.row(r), VectorSimilarityFunction.DOT_PRODUCT));
          doc.add(new NumericDocValuesField(ROW, r));
          writer.addDocument(doc);
        }
        writer.commit();
      }
      return new LuceneVectorSearch(dir, directory, threads);
    } catch (IOException e) {
      LocalFiles.deleteTree(dir);
      throw new UncheckedIOException("cannot build the Lucene index in " + dir, e);
    }
  }

  /**
   * The {@code k} rows with the highest dot product with {@code unitQuery}, best first, with their
   * cosines.
   */
  public TopK.Ranked search(float[] unitQuery, int k) {
    TopDocs top;
    try {
      top = searcher.search(new KnnFloatVectorQuery(VECTOR, unitQuery, k), k);
    } catch (IOException e) {
      throw new UncheckedIOException("Lucene search failed", e);
    }
    int[] rows = new int[top.scoreDocs.length];
    float[] cosines = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      ScoreDoc d = top.scoreDocs[i];
      rows[i] = rowOfDoc[d.doc];
      cosines[i] = 2 * d.score - 1; // Lucene scores DOT_PRODUCT as (1 + dot) / 2
    }
    return new TopK.Ranked(rows, cosines);
  }

  /** Segments in the index. */
  public int segments() {
    return reader.leaves().size();
  }

  /**
   * Which flat vectors scorer this Lucene uses (its vectorised one or the default), for reports.
   */
  public static String scorer() {
    return FlatVectorScorerUtil.getLucene99FlatVectorsScorer().toString();
  }

  private static Lucene104Codec flatCodec() {
    KnnVectorsFormat flat =
        new Lucene99HnswVectorsFormat(
            Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN,
            Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH,
            1,
            null,
            Integer.MAX_VALUE);
    return new Lucene104Codec() {
      @Override
      public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return flat;
      }
    };
  }

  @Override
  public void close() {
    if (executor != null) {
      executor.shutdownNow();
    }
    try {
      reader.close();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the Lucene index in " + dir, e);
    } finally {
      LocalFiles.deleteTree(dir);
    }
  }
}
