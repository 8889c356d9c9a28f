package dev.d2llm.index;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.d2llm.data.CorpusDocument;
import dev.d2llm.data.CorpusFiles;
import dev.d2llm.embedding.TextRole;
import dev.d2llm.store.LocalFiles;
import dev.d2llm.student.Student;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntConsumer;

/**
 * Encodes a corpus with a student into an index version in a local directory: each passage's vector
 * and its IEM projection {@code W1p e_p + b1}, computed once here so a query costs the IEM's upper
 * layers only.
 */
public final class IndexBuilder {

  /** Passages encoded per student call (the student batches by length inside it). */
  private static final int CHUNK = 1_024;

  private static final DateTimeFormatter VERSION_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Student student;
  private final ModelIdentity model;
  private final VectorEncoding vectorEncoding;
  private final VectorEncoding projectionEncoding;
  private final int rowsPerShard;

  public IndexBuilder(
      Student student,
      ModelIdentity model,
      VectorEncoding vectorEncoding,
      VectorEncoding projectionEncoding,
      int rowsPerShard) {
    this.student = Objects.requireNonNull(student, "student");
    this.model = Objects.requireNonNull(model, "model");
    this.vectorEncoding = Objects.requireNonNull(vectorEncoding, "vectorEncoding");
    this.projectionEncoding = Objects.requireNonNull(projectionEncoding, "projectionEncoding");
    this.rowsPerShard = rowsPerShard;
  }

  /** A fresh version name: UTC time of the build and a random suffix, so versions sort by age. */
  public static String newVersion() {
    return VERSION_TIME.format(Instant.now())
        + "-"
        + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
  }

  /**
   * Writes {@code documents} into {@code dir} as version {@code version}; reports passages done to
   * {@code progress}.
   */
  public IndexManifest build(
      List<CorpusDocument> documents, Path dir, String version, IntConsumer progress) {
    int hidden = student.iem().hidden();
    try (IndexWriter writer =
        new IndexWriter(
            dir, student.dimension(), hidden, vectorEncoding, projectionEncoding, rowsPerShard)) {
      for (int start = 0; start < documents.size(); start += CHUNK) {
        List<CorpusDocument> chunk =
            documents.subList(start, Math.min(documents.size(), start + CHUNK));
        List<String> texts = chunk.stream().map(CorpusFiles::passageText).toList();
        float[][] vectors = student.embed(texts, TextRole.PASSAGE, progress);
        float[][] projections = project(vectors);
        for (int i = 0; i < chunk.size(); i++) {
          writer.add(chunk.get(i).id(), texts.get(i), vectors[i], projections[i]);
        }
      }
      return writer.finish(version, Instant.now().toString(), model);
    }
  }

  /**
   * Builds {@code documents} as a new version in a temporary staging directory, publishes it to
   * {@code target} (shards, manifest, then {@code CURRENT}) and removes the staging copy.
   */
  public IndexManifest publish(
      List<CorpusDocument> documents, IndexStore target, IntConsumer progress) {
    Path staging;
    try {
      staging = Files.createTempDirectory("d2llm-index-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a staging directory for the index", e);
    }
    try {
      IndexManifest m = build(documents, staging, newVersion(), progress);
      target.publish(staging, line -> {});
      return m;
    } finally {
      LocalFiles.deleteTree(staging);
    }
  }

  /** The IEM's passage share of the first layer for each vector. */
  public float[][] project(float[][] vectors) {
    int n = vectors.length;
    int hidden = student.iem().hidden();
    float[][] out = new float[n][];
    if (n == 0) {
      return out;
    }
    int d = vectors[0].length;
    float[] flat = new float[n * d];
    for (int i = 0; i < n; i++) {
      System.arraycopy(vectors[i], 0, flat, i * d, d);
    }
    try (NDManager scope = student.manager().newSubManager()) {
      NDArray p = student.iem().projectPassage(scope.create(flat, new Shape(n, d)));
      float[] all = p.toFloatArray();
      for (int i = 0; i < n; i++) {
        out[i] = new float[hidden];
        System.arraycopy(all, i * hidden, out[i], 0, hidden);
      }
    }
    return out;
  }
}
