package dev.d2llm.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.d2llm.embedding.TextEncoder;
import dev.d2llm.embedding.TextRole;
import dev.d2llm.student.IemKind;
import dev.d2llm.student.Student;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * A residual student's vectors, computed once per distinct text, for training its IEM alone: with
 * the backbone and the pooling frozen, a text's vector never changes, so each step costs the IEM
 * only. The vectors are the student's own, PMA gate included (shut at the start, open after a
 * fine-tuned bi-encoder), and training reads them as pooled ({@link #pooled()}).
 */
public final class PooledVectors implements TokenStates, TextEncoder {

  private final Student student;

  /** Where the vectors come from: the student itself, or its vectors through a disk cache. */
  private final TextEncoder source;

  private final Map<String, float[]> vectors = new HashMap<>();

  private PooledVectors(Student student, TextEncoder source) {
    if (student.config().iem() != IemKind.RESIDUAL) {
      throw new IllegalArgumentException(
          "only a residual student can train its IEM on pooled vectors: the paper's"
              + " student pools with PMA, which needs token states");
    }
    this.student = student;
    this.source = source;
  }

  /** The vectors of every text the backbone reads (as {@link Student#inputText} gives them). */
  public static PooledVectors build(Student student, Set<String> inputTexts, IntConsumer progress) {
    return build(student, student, inputTexts, progress);
  }

  /**
   * As {@link #build(Student, Set, IntConsumer)}, taking the vectors from {@code source}, which
   * embeds as the student does (a {@link dev.d2llm.student.CachedStudentVectors} of it).
   */
  public static PooledVectors build(
      Student student, TextEncoder source, Set<String> inputTexts, IntConsumer progress) {
    PooledVectors cache = new PooledVectors(student, source);
    cache.add(new ArrayList<>(inputTexts), progress);
    return cache;
  }

  private void add(List<String> inputTexts, IntConsumer progress) {
    List<String> missing =
        inputTexts.stream().filter(t -> !vectors.containsKey(t)).distinct().toList();
    // Input texts carry their prefixes already: read them as plain texts.
    float[][] v = source.embed(missing, TextRole.PLAIN, progress);
    for (int i = 0; i < missing.size(); i++) {
      vectors.put(missing.get(i), v[i]);
    }
  }

  @Override
  public boolean pooled() {
    return true;
  }

  @Override
  public NDArray[] of(NDManager scope, List<String> texts, boolean training) {
    int d = student.dimension();
    float[] flat = new float[texts.size() * d];
    for (int r = 0; r < texts.size(); r++) {
      float[] v = vectors.get(texts.get(r));
      if (v == null) {
        throw new IllegalStateException(
            "no cached vector for a text the plan did not list: '" + texts.get(r) + "'");
      }
      System.arraycopy(v, 0, flat, r * d, d);
    }
    long[] mask = new long[texts.size()];
    java.util.Arrays.fill(mask, 1);
    return new NDArray[] {
      scope.create(flat, new Shape(texts.size(), 1, d)),
      scope.create(mask, new Shape(texts.size(), 1))
    };
  }

  /**
   * The vectors of texts in {@code role}, computing and keeping those not seen yet (validation
   * reads them so).
   */
  @Override
  public float[][] embed(List<String> texts, TextRole role, IntConsumer progress) {
    List<String> inputs = texts.stream().map(t -> student.inputText(t, role)).toList();
    add(inputs, progress);
    float[][] out = new float[texts.size()][];
    for (int i = 0; i < texts.size(); i++) {
      out[i] = vectors.get(inputs.get(i));
    }
    return out;
  }

  @Override
  public int dimension() {
    return student.dimension();
  }

  /**
   * Closes the source when it is a cache of the student's vectors; the student belongs to the
   * caller.
   */
  @Override
  public void close() {
    if (source != student) {
      source.close();
    }
  }

  /** Number of cached texts. */
  public int size() {
    return vectors.size();
  }
}
