package dev.d2llm.cli;

import dev.d2llm.embedding.TextEncoder;
import dev.d2llm.student.CachedStudentVectors;
import dev.d2llm.student.Student;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --vector-cache DIR}: keep a frozen student's vectors on disk across runs (off unless
 * given).
 */
public class VectorCacheOption {

  @Option(
      names = "--vector-cache",
      paramLabel = "DIR",
      defaultValue = "${env:D2LLM_VECTOR_CACHE}",
      description =
          "keep the student's vectors in DIR across runs, one file per encoding (backbone, LoRA, PMA, gate,"
              + " device): an IEM-only distillation and the evals after it embed each text once (default: $D2LLM_VECTOR_CACHE,"
              + " else off)")
  Path dir;

  /** The student's vectors through the cache, or the student itself when no cache was asked for. */
  TextEncoder vectorsOf(Student student, Path studentDir) {
    return dir == null ? student : CachedStudentVectors.open(student, studentDir, dir);
  }

  /** Closes what {@link #vectorsOf} opened (never the student). */
  static void closeIfCache(TextEncoder vectors) {
    if (vectors instanceof CachedStudentVectors cached) {
      cached.close();
    }
  }
}
