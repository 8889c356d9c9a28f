package dev.d2llm.student;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.d2llm.checkpoint.CheckpointException;
import dev.d2llm.lora.LoraConfig;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A student saved, loaded and exported computes the same vectors and scores. */
class StudentFilesTest {

  private static final Path QWEN2 = Path.of("test/resources/models/tiny-qwen2").toAbsolutePath();
  private static final List<String> PASSAGES =
      List.of("the cat sat on the mat", "stocks fell today", "a dog runs");

  @Test
  void saveThenLoadGivesTheSameScores(@TempDir Path dir) {
    float[] before;
    float[][] vectors;
    try (Student student = trainedLooking()) {
      before = student.relevance("where is the cat", PASSAGES, Branch.ASYMMETRIC);
      vectors = student.embed(PASSAGES, dev.d2llm.embedding.TextRole.PASSAGE);
      StudentFiles.save(student, dir);
    }
    assertThat(dir.resolve("adapter_model.safetensors")).isRegularFile();
    assertThat(dir.resolve("adapter_config.json")).content().contains("\"peft_type\" : \"LORA\"");

    try (Student loaded = StudentFiles.load(dir, Device.cpu())) {
      assertThat(loaded.relevance("where is the cat", PASSAGES, Branch.ASYMMETRIC))
          .containsExactly(before);
      assertThat(loaded.embed(PASSAGES, dev.d2llm.embedding.TextRole.PASSAGE))
          .isDeepEqualTo(vectors);
    }
  }

  @Test
  void exportMergesTheAdaptersAndKeepsTheScores(@TempDir Path dir) {
    float[] before;
    try (Student student = trainedLooking()) {
      before = student.relevance("where is the cat", PASSAGES, Branch.SYMMETRIC);
      StudentFiles.save(student, dir.resolve("student"));
    }

    StudentFiles.export(dir.resolve("student"), dir.resolve("served"));

    assertThat(dir.resolve("served/adapter_model.safetensors")).doesNotExist();
    assertThat(StudentFiles.readConfig(dir.resolve("served")).lora()).isNull();
    try (Student served = StudentFiles.load(dir.resolve("served"), Device.cpu())) {
      float[] after = served.relevance("where is the cat", PASSAGES, Branch.SYMMETRIC);
      for (int i = 0; i < before.length; i++) {
        assertThat(after[i]).isCloseTo(before[i], org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  @Test
  void aDirectoryWithoutDescriptorIsNotAStudent(@TempDir Path dir) {
    assertThatThrownBy(() -> StudentFiles.load(dir, Device.cpu()))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("d2llm_student.json is missing");
  }

  @Test
  void theEncodingFingerprintIgnoresTheIemAndFollowsTheAdapters(@TempDir Path dir) {
    try (Student student = trainedLooking()) {
      StudentFiles.save(student, dir.resolve("a"));
      perturb(student, n -> n.startsWith("iem."));
      StudentFiles.save(student, dir.resolve("iem-trained"));
      perturb(student, n -> n.contains("lora_B"));
      StudentFiles.save(student, dir.resolve("lora-trained"));
    }
    assertThat(StudentFiles.fingerprint(dir.resolve("iem-trained")))
        .isNotEqualTo(StudentFiles.fingerprint(dir.resolve("a")));
    assertThat(StudentFiles.encodingFingerprint(dir.resolve("iem-trained")))
        .isEqualTo(StudentFiles.encodingFingerprint(dir.resolve("a")));
    assertThat(StudentFiles.encodingFingerprint(dir.resolve("lora-trained")))
        .isNotEqualTo(StudentFiles.encodingFingerprint(dir.resolve("a")));
  }

  @Test
  void cachedVectorsAreTheStudentsAndOutliveIt(@TempDir Path dir) throws Exception {
    float[][] direct;
    try (Student student = trainedLooking()) {
      StudentFiles.save(student, dir.resolve("s"));
      direct = student.embed(PASSAGES, dev.d2llm.embedding.TextRole.PASSAGE);
    }
    try (Student student = StudentFiles.load(dir.resolve("s"), Device.cpu());
        CachedStudentVectors cached =
            CachedStudentVectors.open(student, dir.resolve("s"), dir.resolve("cache"))) {
      assertThat(cached.embed(PASSAGES, dev.d2llm.embedding.TextRole.PASSAGE))
          .isDeepEqualTo(direct);
    }
    Path file;
    try (var files = java.nio.file.Files.list(dir.resolve("cache"))) {
      file = files.findFirst().orElseThrow();
    }
    long size = java.nio.file.Files.size(file);
    try (Student student = StudentFiles.load(dir.resolve("s"), Device.cpu());
        CachedStudentVectors cached =
            CachedStudentVectors.open(student, dir.resolve("s"), dir.resolve("cache"))) {
      assertThat(cached.embed(PASSAGES.subList(0, 2), dev.d2llm.embedding.TextRole.PASSAGE))
          .isDeepEqualTo(new float[][] {direct[0], direct[1]});
    }
    assertThat(java.nio.file.Files.size(file)).isEqualTo(size);
  }

  @Test
  void aResidualStudentKeepsItsDomainGate(@TempDir Path dir) {
    Path bert = Path.of("test/resources/models/tiny-bert").toAbsolutePath();
    StudentConfig config =
        StudentConfig.residual(
            bert.toString(),
            null,
            4,
            16,
            new dev.d2llm.embedding.EncoderSettings(
                dev.d2llm.embedding.Pooling.CLS, true, "query: ", "", Student.MAX_LENGTH));
    float[] before;
    try (Student student = Student.create(bert, config, Device.cpu(), 3)) {
      StudentFiles.save(student, dir.resolve("plain"));
      perturb(student, n -> n.startsWith("iem.fc"));
      student
          .iem()
          .setGate(
              Branch.ASYMMETRIC,
              new DomainGate(
                  new DomainGate.Side(
                      student
                          .embed(List.of("where is the cat"), dev.d2llm.embedding.TextRole.QUERY)[
                          0],
                      0.9f,
                      0.95f),
                  null));
      before = student.relevance("where is the cat", PASSAGES, Branch.ASYMMETRIC);
      StudentFiles.save(student, dir.resolve("gated"));
    }
    assertThat(dir.resolve("gated/" + StudentFiles.DOMAIN_GATE_FILE)).isRegularFile();
    assertThat(dir.resolve("plain/" + StudentFiles.DOMAIN_GATE_FILE)).doesNotExist();
    try (Student loaded = StudentFiles.load(dir.resolve("gated"), Device.cpu())) {
      assertThat(loaded.iem().gate(Branch.ASYMMETRIC)).isPresent();
      assertThat(loaded.iem().gate(Branch.SYMMETRIC)).isEmpty();
      assertThat(loaded.relevance("where is the cat", PASSAGES, Branch.ASYMMETRIC))
          .containsExactly(before);
    }
    assertThat(StudentFiles.encodingFingerprint(dir.resolve("gated")))
        .isEqualTo(StudentFiles.encodingFingerprint(dir.resolve("plain")));
  }

  /** Adds noise to the trainable parameters whose names {@code which} accepts. */
  private static void perturb(Student student, java.util.function.Predicate<String> which) {
    Random random = new Random(7);
    student
        .trainableParameters()
        .forEach(
            (n, p) -> {
              if (which.test(n)) {
                float[] v = p.getArray().toFloatArray();
                for (int i = 0; i < v.length; i++) {
                  v[i] += (float) (random.nextGaussian() * 0.1);
                }
                p.getArray().set(FloatBuffer.wrap(v));
              }
            });
  }

  /** A fresh student whose LoRA B matrices are no longer zero, so adapters matter. */
  private static Student trainedLooking() {
    StudentConfig config =
        new StudentConfig(
            QWEN2.toString(), new LoraConfig(4, 8, 0.05, LoraConfig.DECODER_TARGETS), 4, 32);
    Student student = Student.create(QWEN2, config, Device.cpu(), 2023);
    Random random = new Random(1);
    student
        .trainableParameters()
        .forEach(
            (n, p) -> {
              if (n.contains("lora_B")) {
                float[] v = new float[Math.toIntExact(p.getArray().size())];
                for (int i = 0; i < v.length; i++) {
                  v[i] = (float) (random.nextGaussian() * 0.1);
                }
                p.getArray().set(FloatBuffer.wrap(v));
              }
            });
    return student;
  }
}
