package dev.d2llm.cli;

import ai.djl.Device;
import dev.d2llm.bench.BenchIndex;
import dev.d2llm.bench.BenchTexts;
import dev.d2llm.bench.SyntheticCorpus;
import dev.d2llm.data.CorpusDocument;
import dev.d2llm.data.CorpusFiles;
import dev.d2llm.index.IndexManifest;
import dev.d2llm.index.ModelIdentity;
import dev.d2llm.index.VectorEncoding;
import dev.d2llm.student.DefaultStudents;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentFiles;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code d2llm bench corpus}: the index a search benchmark runs on, built once and cached. */
@Command(
    name = "corpus",
    mixinStandardHelpOptions = true,
    description =
        "Builds a benchmark index with a student into DIR/index: --count passages synthesised from"
            + " real sentences of the shared data (two different sentences per passage, seeded; the --held-out"
            + " sentences, the benchmark's queries, are never used), or an existing corpus file (--from)."
            + " Reused when DIR/index already holds that many passages from the same student."
            + " Last line: index=<dir> passages=<n>.")
public class BenchCorpusCommand implements Callable<Integer> {

  @Option(
      names = "--model",
      description =
          "student directory, or 'default' for the shipped one (default: ${DEFAULT-VALUE})")
  String model = "default";

  @Option(
      names = "--out",
      description =
          "benchmark directory (default: ~/.cache/d2llm/bench/synthetic-<count>-seed<seed>, or"
              + " ~/.cache/d2llm/bench/<folder of --from>)")
  Path out;

  @Option(names = "--count", description = "synthetic passages (default: ${DEFAULT-VALUE})")
  int count = 100_000;

  @Option(names = "--seed", description = "seed of the synthesis (default: ${DEFAULT-VALUE})")
  long seed = 42;

  @Option(names = "--data", description = "shared data directory (default: ${DEFAULT-VALUE})")
  Path data = Path.of("../shared/data");

  @Option(
      names = "--held-out",
      description = "pair file whose sentences stay out of the corpus (default: ${DEFAULT-VALUE})")
  Path heldOut = Path.of("../shared/data/en/stsb/dev.tsv");

  @Option(
      names = "--from",
      description =
          "index this corpus file (BEIR corpus.jsonl or one passage per line) instead of synthesising")
  Path from;

  @Option(
      names = "--vectors",
      description = "vector encoding: fp32, fp16 or int8 (default: ${DEFAULT-VALUE})")
  String vectors = "fp32";

  @Option(names = "--threads", description = "CPU threads (default: all cores)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Override
  public Integer call() {
    Engines.configure(threads);
    Path studentDir = DefaultStudents.resolve(model);
    String sha256 = StudentFiles.fingerprint(studentDir);
    Path dir =
        out != null
            ? out
            : BenchIndex.cacheDir(
                from != null
                    ? from.toAbsolutePath().getParent().getFileName().toString()
                    : "synthetic-" + count + "-seed" + seed);
    List<CorpusDocument> documents;
    if (from != null) {
      documents = CorpusFiles.read(from);
    } else {
      SyntheticCorpus pool =
          SyntheticCorpus.fromSharedData(
              data, new HashSet<>(BenchTexts.fromPairFile(heldOut, Integer.MAX_VALUE)));
      System.out.printf("pool: %d sentences (held out: %s)%n", pool.sentences().size(), heldOut);
      documents = pool.passages(count, seed);
    }
    Optional<IndexManifest> existing = BenchIndex.reusable(dir, sha256, documents.size());
    if (existing.isPresent()) {
      System.out.printf(
          "reusing %s (version %s, built %s)%n",
          dir.resolve(BenchIndex.INDEX), existing.get().version(), existing.get().created());
    } else {
      if (from == null) {
        SyntheticCorpus.writeJsonLines(documents, dir.resolve("corpus.jsonl"));
      }
      try (Student student = StudentFiles.load(studentDir, Device.cpu());
          ProgressBar bar = Bars.of("index", documents.size(), " passages")) {
        ModelIdentity identity = new ModelIdentity(model, student.config().baseModel(), sha256);
        BenchIndex.build(
            student, identity, documents, dir, VectorEncoding.parse(vectors), bar::stepBy);
      }
    }
    System.out.printf("index=%s passages=%d%n", dir.resolve(BenchIndex.INDEX), documents.size());
    return 0;
  }
}
