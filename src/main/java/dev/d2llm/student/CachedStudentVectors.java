package dev.d2llm.student;

import dev.d2llm.embedding.TextEncoder;
import dev.d2llm.embedding.TextRole;
import dev.d2llm.embedding.VectorCache;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A student's vectors through a {@link VectorCache} on disk, keyed by the text its backbone reads
 * (prefix included), so that a distillation that trains the IEM alone and the evaluations after it
 * embed each text once across runs. The cache is named by the student's {@linkplain
 * StudentFiles#encodingFingerprint encoding fingerprint} and device type: retraining the IEM keeps
 * it, touching the backbone, LoRA, PMA or gate starts a new one.
 */
public final class CachedStudentVectors implements TextEncoder {

  private final Student student;
  private final VectorCache cache;

  private CachedStudentVectors(Student student, VectorCache cache) {
    this.student = student;
    this.cache = cache;
  }

  /**
   * The vectors of {@code student}, loaded from {@code studentDir}, cached under {@code cacheDir}.
   */
  public static CachedStudentVectors open(Student student, Path studentDir, Path cacheDir) {
    String identity =
        "d2llm-student "
            + StudentFiles.encodingFingerprint(studentDir)
            + " on "
            + student.manager().getDevice().getDeviceType();
    return new CachedStudentVectors(
        student, VectorCache.open(cacheDir, identity, student.dimension()));
  }

  @Override
  public float[][] embed(List<String> texts, TextRole role, IntConsumer progress) {
    List<String> inputs = texts.stream().map(t -> student.inputText(t, role)).toList();
    // Input texts carry their prefixes already: the backbone reads them as plain texts.
    return cache.vectors(inputs, chunk -> student.embed(chunk, TextRole.PLAIN), progress);
  }

  @Override
  public int dimension() {
    return student.dimension();
  }

  /** Closes the cache's file; the student belongs to the caller. */
  @Override
  public void close() {
    cache.close();
  }
}
