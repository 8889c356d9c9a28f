package dev.d2llm.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An index written by IndexWriter reads back as written, and a damaged one is refused by name. */
class IndexFilesTest {

  private static final int D = 12;
  private static final int H = 7;
  private static final ModelIdentity MODEL =
      new ModelIdentity("test", "bundled:none", "0".repeat(64));

  @Test
  void fp32RowsReadBackNormalisedAndExactAcrossShards(@TempDir Path dir) {
    float[][] vectors = random(10, D, 1);
    float[][] projections = random(10, H, 2);
    write(dir, vectors, projections, VectorEncoding.FP32, VectorEncoding.FP32, 4);

    SearchIndex index = IndexReader.open(dir);

    assertThat(index.manifest().shards(ShardKind.VECTORS)).hasSize(3);
    assertThat(index.count()).isEqualTo(10);
    for (int r = 0; r < 10; r++) {
      float[] expected = unit(vectors[r]);
      float[] row = index.vectors().row(r);
      for (int i = 0; i < D; i++) {
        assertThat(row[i]).isEqualTo(expected[i]);
      }
      for (int i = 0; i < H; i++) {
        assertThat(index.projection()[r * H + i]).isEqualTo(projections[r][i]);
      }
    }
    assertThat(index.ids()).startsWith("id-0", "id-1");
  }

  @Test
  void fp16AndInt8RowsStayCloseToTheOriginals(@TempDir Path dir) {
    float[][] vectors = random(6, D, 3);
    float[][] projections = random(6, H, 4);
    write(dir.resolve("fp16"), vectors, projections, VectorEncoding.FP16, VectorEncoding.FP16, 4);
    write(dir.resolve("int8"), vectors, projections, VectorEncoding.INT8, VectorEncoding.INT8, 4);

    SearchIndex half = IndexReader.open(dir.resolve("fp16"));
    SearchIndex quarter = IndexReader.open(dir.resolve("int8"));

    assertThat(quarter.vectors()).isInstanceOf(VectorRows.Int8.class);
    for (int r = 0; r < 6; r++) {
      float[] expected = unit(vectors[r]);
      for (int i = 0; i < D; i++) {
        assertThat(half.vectors().row(r)[i]).isCloseTo(expected[i], within(1e-3f));
        assertThat(quarter.vectors().row(r)[i]).isCloseTo(expected[i], within(1f / 127));
      }
      for (int i = 0; i < H; i++) {
        assertThat(half.projection()[r * H + i]).isCloseTo(projections[r][i], within(2e-3f));
        assertThat(quarter.projection()[r * H + i]).isCloseTo(projections[r][i], within(0.02f));
      }
    }
  }

  @Test
  void quantisingFp32RowsInMemoryGivesTheInt8RowsTheWriterStores(@TempDir Path dir) {
    float[][] vectors = random(9, D, 5);
    float[][] projections = random(9, H, 6);
    write(dir.resolve("fp32"), vectors, projections, VectorEncoding.FP32, VectorEncoding.FP32, 4);
    write(dir.resolve("int8"), vectors, projections, VectorEncoding.INT8, VectorEncoding.FP32, 4);
    VectorRows.Int8 stored = (VectorRows.Int8) IndexReader.open(dir.resolve("int8")).vectors();

    VectorRows.Int8 quantised =
        VectorRows.Int8.quantize(
            (VectorRows.Floats) IndexReader.open(dir.resolve("fp32")).vectors());

    assertThat(quantised.values()).containsExactly(stored.values());
    assertThat(quantised.scales()).containsExactly(stored.scales());
  }

  @Test
  void shardsLongerThanOneReadChunkDecodeExactlyAndAFlipInTheirSecondChunkIsCaught(
      @TempDir Path dir) throws IOException {
    int d = 300;
    int h = 400;
    float[][] vectors = random(1_200, d, 9);
    float[][] projections = random(1_200, h, 10);
    // 1,000 rows a shard: 1.2 MB of fp32 vectors and 1.6 MB of projections, read in 1 MiB chunks.
    write(
        dir.resolve("fp32"), vectors, projections, VectorEncoding.FP32, VectorEncoding.FP32, 1_000);
    write(
        dir.resolve("fp16"), vectors, projections, VectorEncoding.FP16, VectorEncoding.FP16, 1_000);

    SearchIndex full = IndexReader.open(dir.resolve("fp32"));
    SearchIndex half = IndexReader.open(dir.resolve("fp16"));

    for (int r : new int[] {0, 873, 874, 999, 1_000, 1_199}) {
      float[] expected = unit(vectors[r]);
      for (int i = 0; i < d; i++) {
        assertThat(full.vectors().row(r)[i]).isEqualTo(expected[i]);
        assertThat(half.vectors().row(r)[i]).isCloseTo(expected[i], within(1e-3f));
      }
      for (int i = 0; i < h; i++) {
        assertThat(full.projection()[r * h + i]).isEqualTo(projections[r][i]);
      }
    }
    Path shard = dir.resolve("fp32").resolve("projection-00000.bin");
    byte[] bytes = Files.readAllBytes(shard);
    bytes[1_100_000] ^= 1;
    Files.write(shard, bytes);
    assertThatThrownBy(() -> IndexReader.open(dir.resolve("fp32")))
        .isInstanceOf(IndexFormatException.class)
        .hasMessageContaining("projection-00000.bin")
        .hasMessageContaining("corrupt or altered");
  }

  @Test
  void textsWithQuotesLineBreaksAndNonAsciiSurvive(@TempDir Path dir) {
    try (IndexWriter w =
        new IndexWriter(dir, D, H, VectorEncoding.FP32, VectorEncoding.FP32, 100)) {
      w.add("a", "line one\nline \"two\"\t\\ end", random(1, D, 5)[0], new float[H]);
      w.add("b", "中文句子 — ünïcödé", random(1, D, 6)[0], new float[H]);
      w.finish("v1", "2026-01-01T00:00:00Z", MODEL);
    }

    SearchIndex index = IndexReader.open(dir);

    assertThat(index.texts()).containsExactly("line one\nline \"two\"\t\\ end", "中文句子 — ünïcödé");
    assertThat(index.ids()).containsExactly("a", "b");
  }

  @Test
  void anIdWithALineBreakIsRejected(@TempDir Path dir) {
    try (IndexWriter w =
        new IndexWriter(dir, D, H, VectorEncoding.FP32, VectorEncoding.FP32, 100)) {
      assertThatThrownBy(() -> w.add("a\nb", "t", new float[D], new float[H]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("one line");
    }
  }

  @Test
  void aFlippedByteIsRefusedNamingTheShardAndBothHashes(@TempDir Path dir) throws IOException {
    write(dir, random(5, D, 7), random(5, H, 8), VectorEncoding.FP32, VectorEncoding.FP32, 100);
    Path shard = dir.resolve("projection-00000.bin");
    byte[] bytes = Files.readAllBytes(shard);
    bytes[17] ^= 1;
    Files.write(shard, bytes);

    assertThatThrownBy(() -> IndexReader.open(dir))
        .isInstanceOf(IndexFormatException.class)
        .hasMessageContaining("projection-00000.bin")
        .hasMessageContaining("SHA-256")
        .hasMessageContaining("corrupt or altered");
  }

  @Test
  void aTruncatedShardIsRefusedAsIncomplete(@TempDir Path dir) throws IOException {
    write(dir, random(5, D, 7), random(5, H, 8), VectorEncoding.FP32, VectorEncoding.FP32, 100);
    Path shard = dir.resolve("vectors-00000.bin");
    byte[] bytes = Files.readAllBytes(shard);
    Files.write(shard, java.util.Arrays.copyOf(bytes, bytes.length - 4));

    assertThatThrownBy(() -> IndexReader.open(dir))
        .isInstanceOf(IndexFormatException.class)
        .hasMessageContaining("vectors-00000.bin")
        .hasMessageContaining("incomplete");
  }

  @Test
  void aMissingShardIsRefused(@TempDir Path dir) throws IOException {
    write(dir, random(5, D, 7), random(5, H, 8), VectorEncoding.FP32, VectorEncoding.FP32, 100);
    Files.delete(dir.resolve("ids-00000.txt"));

    assertThatThrownBy(() -> IndexReader.open(dir))
        .isInstanceOf(IndexFormatException.class)
        .hasMessageContaining("ids-00000.txt is missing");
  }

  @Test
  void aDirectoryWithoutManifestIsAnUnfinishedIndex(@TempDir Path dir) {
    assertThatThrownBy(() -> IndexReader.open(dir))
        .isInstanceOf(IndexFormatException.class)
        .hasMessageContaining("manifest.json")
        .hasMessageContaining("not finished");
  }

  @Test
  void theManifestSurvivesJsonAndRejectsGapsAndForeignFormats(@TempDir Path dir)
      throws IOException {
    IndexManifest m =
        write(dir, random(5, D, 7), random(5, H, 8), VectorEncoding.INT8, VectorEncoding.FP16, 2);

    assertThat(IndexManifest.parse(m.toJson(), "test")).isEqualTo(m);
    String json = new String(m.toJson(), java.nio.charset.StandardCharsets.UTF_8);
    assertThatThrownBy(
            () ->
                IndexManifest.parse(
                    json.replace("\"formatVersion\" : 1", "\"formatVersion\" : 9")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "m.json"))
        .isInstanceOf(IndexFormatException.class)
        .hasMessageContaining("m.json")
        .hasMessageContaining("version 9");
    assertThatThrownBy(
            () ->
                IndexManifest.parse(
                    json.replace("\"count\" : 5", "\"count\" : 6")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "m.json"))
        .isInstanceOf(IndexFormatException.class)
        .hasMessageContaining("cover 5 rows");
    assertThatThrownBy(
            () ->
                IndexManifest.parse(
                    "{".getBytes(java.nio.charset.StandardCharsets.UTF_8), "m.json"))
        .isInstanceOf(IndexFormatException.class)
        .hasMessageContaining("not valid JSON");
  }

  static IndexManifest write(
      Path dir,
      float[][] vectors,
      float[][] projections,
      VectorEncoding v,
      VectorEncoding p,
      int rowsPerShard) {
    try (IndexWriter w =
        new IndexWriter(dir, vectors[0].length, projections[0].length, v, p, rowsPerShard)) {
      for (int r = 0; r < vectors.length; r++) {
        w.add("id-" + r, "text " + r, vectors[r], projections[r]);
      }
      return w.finish("v1", "2026-01-01T00:00:00Z", MODEL);
    }
  }

  static float[][] random(int rows, int width, long seed) {
    Random random = new Random(seed);
    float[][] out = new float[rows][width];
    for (float[] row : out) {
      for (int i = 0; i < width; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    return out;
  }

  private static float[] unit(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    float inv = (float) (1 / Math.sqrt(s));
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * inv;
    }
    return out;
  }
}
