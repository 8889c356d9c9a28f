package dev.d2llm.cli;

import dev.d2llm.data.CorpusDocument;
import dev.d2llm.data.CorpusFiles;
import dev.d2llm.index.IndexBuilder;
import dev.d2llm.index.IndexManifest;
import dev.d2llm.index.IndexStore;
import dev.d2llm.index.IndexWriter;
import dev.d2llm.index.ModelIdentity;
import dev.d2llm.index.VectorEncoding;
import dev.d2llm.store.ObjectStore;
import dev.d2llm.store.ObjectStores;
import dev.d2llm.student.DefaultStudents;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code d2llm index build}: encode a corpus with a student and publish the index to an object
 * store.
 */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description =
        "Encodes a corpus (BEIR corpus.jsonl, or one passage per line) with a student, writes the"
            + " vectors, IEM projections, ids and texts as checksummed shards, and publishes them as a new version:"
            + " shards first, manifest next, the CURRENT pointer last.")
public class IndexBuildCommand implements Callable<Integer> {

  @Option(
      names = "--model",
      description =
          "student directory, or 'default' for the shipped English student"
              + " (default: ${DEFAULT-VALUE})")
  String model = "default";

  @Option(
      names = "--corpus",
      required = true,
      description = "corpus.jsonl (_id, title, text) or a text file")
  Path corpus;

  @Option(
      names = "--out",
      required = true,
      description = "index location: file:///dir/, a local path, or s3://bucket/prefix/")
  String out;

  @Option(names = "--vectors", description = "fp32, fp16 or int8 (default: ${DEFAULT-VALUE})")
  String vectors = "fp32";

  @Option(names = "--projection", description = "fp32, fp16 or int8 (default: ${DEFAULT-VALUE})")
  String projection = "fp32";

  @Option(
      names = "--rows-per-shard",
      description = "rows per shard file (default: ${DEFAULT-VALUE})")
  int rowsPerShard = IndexWriter.DEFAULT_ROWS_PER_SHARD;

  @Mixin DeviceOptions device;

  @Override
  public Integer call() {
    device.apply();
    // Check every input before the student loads, so a typo costs nothing.
    VectorEncoding vectorEncoding = VectorEncoding.parse(vectors);
    VectorEncoding projectionEncoding = VectorEncoding.parse(projection);
    List<CorpusDocument> docs = CorpusFiles.read(corpus);
    Path studentDir = DefaultStudents.resolve(model);
    try (ObjectStore store = ObjectStores.open(out);
        Student student = StudentFiles.load(studentDir, device.device())) {
      IndexBuilder builder =
          new IndexBuilder(
              student,
              ModelIdentity.of(model, studentDir),
              vectorEncoding,
              projectionEncoding,
              rowsPerShard);
      IndexManifest m;
      long start = System.nanoTime();
      try (ProgressBar bar = Bars.of("index", docs.size(), " passages")) {
        m = builder.publish(docs, new IndexStore(store), bar::stepBy);
      }
      System.out.printf(
          "version=%s count=%d dimension=%d vectors=%s projection=%s bytes=%d%n",
          m.version(),
          m.count(),
          m.dimension(),
          m.vectorEncoding().label(),
          m.projectionEncoding().label(),
          m.totalBytes());
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT, "passages_per_s=%.1f seconds=%.1f%n", m.count() / seconds, seconds);
      System.out.println("index=" + store.uri());
    }
    return 0;
  }
}
