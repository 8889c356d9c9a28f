package dev.d2llm.bench;

import dev.d2llm.data.CorpusDocument;
import dev.d2llm.index.IndexBuilder;
import dev.d2llm.index.IndexFormatException;
import dev.d2llm.index.IndexManifest;
import dev.d2llm.index.IndexReader;
import dev.d2llm.index.IndexWriter;
import dev.d2llm.index.ModelIdentity;
import dev.d2llm.index.VectorEncoding;
import dev.d2llm.store.LocalFiles;
import dev.d2llm.student.Student;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * A benchmark's index kept in a cache directory ({@code <dir>/index}): encoding a large corpus
 * takes minutes, so it is built once and reused while the same student made it for as many
 * passages.
 */
public final class BenchIndex {

  /** The index's folder inside a benchmark directory. */
  public static final String INDEX = "index";

  private BenchIndex() {}

  /**
   * The index a path names: {@code path} itself when it holds a manifest, else {@code path/index}
   * when that does.
   */
  public static Path resolve(Path path) {
    Path inner = path.resolve(INDEX);
    return !Files.isRegularFile(path.resolve(IndexManifest.FILE))
            && Files.isRegularFile(inner.resolve(IndexManifest.FILE))
        ? inner
        : path;
  }

  /** {@code ~/.cache/d2llm/bench/<name>}. */
  public static Path cacheDir(String name) {
    return Path.of(System.getProperty("user.home"), ".cache", "d2llm", "bench", name);
  }

  /**
   * The manifest of {@code dir/index} when it is complete, made by the model {@code sha256}, with
   * {@code count} passages.
   */
  public static Optional<IndexManifest> reusable(Path dir, String sha256, int count) {
    Path index = dir.resolve(INDEX);
    if (!Files.isRegularFile(index.resolve(IndexManifest.FILE))) {
      return Optional.empty();
    }
    try {
      IndexManifest m = IndexReader.manifest(index);
      return m.model().sha256().equals(sha256) && m.count() == count
          ? Optional.of(m)
          : Optional.empty();
    } catch (IndexFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Encodes {@code documents} into {@code dir/index}, replacing whatever was there; reports
   * passages done.
   */
  public static IndexManifest build(
      Student student,
      ModelIdentity model,
      List<CorpusDocument> documents,
      Path dir,
      VectorEncoding vectors,
      IntConsumer progress) {
    Path index = dir.resolve(INDEX);
    LocalFiles.deleteTree(index);
    return new IndexBuilder(
            student, model, vectors, VectorEncoding.FP32, IndexWriter.DEFAULT_ROWS_PER_SHARD)
        .build(documents, index, IndexBuilder.newVersion(), progress);
  }
}
