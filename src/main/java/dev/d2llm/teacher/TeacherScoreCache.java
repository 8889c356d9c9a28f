package dev.d2llm.teacher;

import dev.d2llm.student.Branch;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Teacher judgements keyed by content: SHA-256 of (teacher identity, branch, query, passage), so a
 * cache survives any change of batch order, rank or step. Records are appended to one file and
 * forced to disk after each batch; a record cut short by a crash is dropped on reopening, so
 * scoring resumes where it stopped.
 */
public final class TeacherScoreCache implements AutoCloseable {

  private static final int KEY_BYTES = 32;

  private final Path file;
  private final Map<String, Judgement> entries = new HashMap<>();
  private final FileChannel out;

  private TeacherScoreCache(Path file) throws IOException {
    this.file = file;
    long valid = readExisting();
    out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    out.truncate(valid);
    out.position(valid);
  }

  /** Opens (or creates) the cache file. */
  public static TeacherScoreCache open(Path file) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      return new TeacherScoreCache(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open teacher cache " + file, e);
    }
  }

  /** The content key of a pair under a teacher and branch. */
  public static String key(String teacher, Branch branch, TextPair pair) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : new String[] {teacher, branch.name(), pair.query(), pair.passage()}) {
        byte[] b = part.getBytes(StandardCharsets.UTF_8);
        sha.update(
            ByteBuffer.allocate(4).putInt(b.length).array()); // length-prefixed: no ambiguity
        sha.update(b);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides SHA-256", e);
    }
  }

  /** The cached judgement, or null. */
  public Judgement get(String teacher, Branch branch, TextPair pair) {
    return entries.get(key(teacher, branch, pair));
  }

  /**
   * How many distinct pairs of {@code pairs} have no judgement under this teacher and branch yet.
   */
  public int missing(String teacher, Branch branch, List<TextPair> pairs) {
    java.util.Set<String> lacking = new java.util.HashSet<>();
    for (TextPair p : pairs) {
      String k = key(teacher, branch, p);
      if (!entries.containsKey(k)) {
        lacking.add(k);
      }
    }
    return lacking.size();
  }

  /** Number of cached judgements. */
  public int size() {
    return entries.size();
  }

  /**
   * Judges every pair not yet cached with {@code teacher}, in batches of {@code batchSize}, each
   * batch appended and forced to disk before the next; returns how many were scored.
   */
  public int fill(
      Teacher teacher, Branch branch, List<TextPair> pairs, int batchSize, IntConsumer progress) {
    return fill(List.of(teacher), branch, pairs, batchSize, progress);
  }

  /**
   * Scores what the cache lacks of {@code pairs} with several copies of one teacher (one a device):
   * the missing pairs go out in chunks of {@code batchSize} to whichever copy is free, each copy in
   * its own thread, and every chunk is appended and forced as it finishes. The copies must share an
   * identity.
   */
  public int fill(
      List<? extends Teacher> teachers,
      Branch branch,
      List<TextPair> pairs,
      int batchSize,
      IntConsumer progress) {
    String identity = teachers.get(0).identity();
    for (Teacher t : teachers) {
      if (!t.identity().equals(identity)) {
        throw new IllegalArgumentException(
            "teacher copies differ: " + identity + " and " + t.identity());
      }
    }
    List<TextPair> missing = new ArrayList<>();
    java.util.Set<String> queued = new java.util.HashSet<>();
    for (TextPair p : pairs) {
      String k = key(identity, branch, p);
      if (!entries.containsKey(k) && queued.add(k)) {
        missing.add(p);
      }
    }
    progress.accept(pairs.size() - missing.size());
    java.util.concurrent.atomic.AtomicInteger next =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.function.Consumer<Teacher> worker =
        teacher -> {
          for (int start = next.getAndAdd(batchSize);
              start < missing.size();
              start = next.getAndAdd(batchSize)) {
            List<TextPair> batch =
                missing.subList(start, Math.min(missing.size(), start + batchSize));
            List<Judgement> judged = teacher.judge(batch, branch, n -> {});
            synchronized (this) {
              for (int i = 0; i < batch.size(); i++) {
                append(key(identity, branch, batch.get(i)), judged.get(i));
              }
              force();
              progress.accept(batch.size());
            }
          }
        };
    if (teachers.size() == 1) {
      worker.accept(teachers.get(0));
    } else {
      runInParallel(teachers, worker);
    }
    return missing.size();
  }

  private static void runInParallel(
      List<? extends Teacher> teachers, java.util.function.Consumer<Teacher> worker) {
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(teachers.size())) {
      List<java.util.concurrent.Future<?>> running = new ArrayList<>();
      for (Teacher t : teachers) {
        running.add(pool.submit(() -> worker.accept(t)));
      }
      for (var f : running) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("teacher scoring interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    }
  }

  private void append(String key, Judgement j) {
    ByteBuffer b =
        ByteBuffer.allocate(KEY_BYTES + 8 + 4 * j.feature().length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(HexFormat.of().parseHex(key)).putFloat(j.score()).putInt(j.feature().length);
    for (float f : j.feature()) {
      b.putFloat(f);
    }
    b.flip();
    try {
      while (b.hasRemaining()) {
        out.write(b);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to teacher cache " + file, e);
    }
    entries.put(key, j);
  }

  private void force() {
    try {
      out.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot sync teacher cache " + file, e);
    }
  }

  /** Loads every complete record; returns the byte length they cover. */
  private long readExisting() throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    long valid = 0;
    try (DataInputStream in =
        new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
      while (true) {
        byte[] key = new byte[KEY_BYTES];
        try {
          in.readFully(key);
          float score = Float.intBitsToFloat(Integer.reverseBytes(in.readInt()));
          int dim = Integer.reverseBytes(in.readInt());
          if (dim < 0 || dim > 1 << 20) {
            break; // a torn record: stop at the last good one
          }
          float[] feature = new float[dim];
          for (int i = 0; i < dim; i++) {
            feature[i] = Float.intBitsToFloat(Integer.reverseBytes(in.readInt()));
          }
          entries.put(HexFormat.of().formatHex(key), new Judgement(score, feature));
          valid += KEY_BYTES + 8 + 4L * dim;
        } catch (EOFException e) {
          break;
        }
      }
    }
    return valid;
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close teacher cache " + file, e);
    }
  }
}
