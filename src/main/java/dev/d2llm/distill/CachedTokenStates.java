package dev.d2llm.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.d2llm.checkpoint.DTypes;
import dev.d2llm.embedding.BatchedEncoding;
import dev.d2llm.embedding.LengthBatcher;
import dev.d2llm.embedding.TextEncoder;
import dev.d2llm.embedding.TextRole;
import dev.d2llm.student.Student;
import dev.d2llm.text.PaddingSide;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The final token states of a frozen backbone, computed once per distinct text and kept on the host
 * as bfloat16 (half the memory of float32; PMA reads them back as float32). With the backbone
 * frozen, every epoch after the first costs only PMA and IEM: what makes CPU distillation
 * practical. It is also the student's {@link TextEncoder} during such a run, pooling the cached
 * states with the pooling as it stands, so validation does not run the backbone again.
 */
public final class CachedTokenStates implements TokenStates, TextEncoder {

  /** Texts encoded per chunk: bounds the float32 states held before their conversion. */
  private static final int CHUNK = 1024;

  /** Texts pooled per batch by {@link #embed}. */
  private static final int POOL_BATCH = 64;

  private final Map<String, short[]> states = new HashMap<>();
  private final Map<String, Integer> lengths = new HashMap<>();
  private final int dim;
  private final Student student;

  private CachedTokenStates(Student student) {
    this.student = student;
    this.dim = student.backbone().config().hiddenSize();
  }

  /** Encodes every text once with the student's (frozen) backbone. */
  public static CachedTokenStates build(Student student, Set<String> texts, IntConsumer progress) {
    CachedTokenStates cache = new CachedTokenStates(student);
    cache.add(new ArrayList<>(texts), progress);
    return cache;
  }

  /** Encodes the input texts not cached yet. */
  private void add(List<String> inputTexts, IntConsumer progress) {
    List<String> all = inputTexts.stream().filter(t -> !states.containsKey(t)).distinct().toList();
    List<long[]> ids = student.tokenizer().encodeAll(all);
    // A chunk of texts at a time, each kept as bfloat16 as soon as it is encoded: the float32
    // states
    // of a whole corpus (en/medquad: about 7 GB) are never held at once.
    for (int from = 0; from < all.size(); from += CHUNK) {
      int to = Math.min(all.size(), from + CHUNK);
      // Each row comes back padded to its batch's length: keep its real tokens only.
      float[][] padded =
          BatchedEncoding.run(
              ids.subList(from, to),
              LengthBatcher.DEFAULT,
              student.tokenizer().padId(),
              PaddingSide.RIGHT,
              student.manager(),
              (scope, b) ->
                  student
                      .backbone()
                      .backbone()
                      .hiddenStates(null, b.idsArray(scope), b.maskArray(scope), false),
              progress);
      for (int i = from; i < to; i++) {
        int len = ids.get(i).length;
        short[] s = new short[len * dim];
        float[] row = padded[i - from];
        for (int k = 0; k < s.length; k++) {
          s[k] = DTypes.toBf16(row[k]);
        }
        padded[i - from] = null;
        states.put(all.get(i), s);
        lengths.put(all.get(i), len);
      }
    }
  }

  /**
   * The student's vectors of texts in {@code role} as its pooling stands now, pooled from the
   * cached states (texts not seen yet are encoded first): validation reads them so while PMA
   * trains.
   */
  @Override
  public float[][] embed(List<String> texts, TextRole role, IntConsumer progress) {
    List<String> inputs = texts.stream().map(t -> student.inputText(t, role)).toList();
    add(inputs, n -> {});
    Integer[] order =
        IntStream.range(0, inputs.size())
            .boxed()
            .sorted(Comparator.comparingInt(i -> length(inputs.get(i))))
            .toArray(Integer[]::new);
    float[][] out = new float[inputs.size()][];
    for (int from = 0; from < order.length; from += POOL_BATCH) {
      int to = Math.min(order.length, from + POOL_BATCH);
      List<String> batch = new ArrayList<>();
      for (int i = from; i < to; i++) {
        batch.add(inputs.get(order[i]));
      }
      try (NDManager scope = student.manager().newSubManager()) {
        NDArray[] hiddenAndMask = of(scope, batch, false);
        float[] flat =
            student
                .pool(null, hiddenAndMask[0], hiddenAndMask[1], false)
                .toType(DataType.FLOAT32, false)
                .toFloatArray();
        int d = flat.length / batch.size();
        for (int i = from; i < to; i++) {
          out[order[i]] = java.util.Arrays.copyOfRange(flat, (i - from) * d, (i - from + 1) * d);
        }
      }
      progress.accept(to - from);
    }
    return out;
  }

  @Override
  public int dimension() {
    return student.dimension();
  }

  @Override
  public void close() {
    // The student belongs to the caller.
  }

  @Override
  public NDArray[] of(NDManager scope, List<String> texts, boolean training) {
    int t = 0;
    for (String text : texts) {
      t = Math.max(t, length(text));
    }
    float[] hidden = new float[texts.size() * t * dim];
    long[] mask = new long[texts.size() * t];
    for (int r = 0; r < texts.size(); r++) {
      short[] s = states.get(texts.get(r));
      int len = length(texts.get(r));
      for (int k = 0; k < s.length; k++) {
        hidden[r * t * dim + k] = DTypes.fromBf16(s[k]);
      }
      for (int k = 0; k < len; k++) {
        mask[r * t + k] = 1;
      }
    }
    return new NDArray[] {
      scope.create(hidden, new Shape(texts.size(), t, dim)),
      scope.create(mask, new Shape(texts.size(), t))
    };
  }

  private int length(String text) {
    Integer len = lengths.get(text);
    if (len == null) {
      throw new IllegalStateException(
          "no cached token states for a text the plan did not list: '" + text + "'");
    }
    return len;
  }

  /** Number of cached texts. */
  public int size() {
    return states.size();
  }
}
