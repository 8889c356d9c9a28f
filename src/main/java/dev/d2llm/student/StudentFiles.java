package dev.d2llm.student;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.d2llm.backbone.BackboneModel;
import dev.d2llm.backbone.Precision;
import dev.d2llm.backbone.WeightLoader;
import dev.d2llm.checkpoint.CheckpointException;
import dev.d2llm.checkpoint.HostTensor;
import dev.d2llm.checkpoint.SafetensorsFile;
import dev.d2llm.checkpoint.SafetensorsWriter;
import dev.d2llm.embedding.EncoderSettings;
import dev.d2llm.embedding.Pooling;
import dev.d2llm.hub.ModelCache;
import dev.d2llm.lora.Lora;
import dev.d2llm.lora.LoraConfig;
import dev.d2llm.nn.NamedBlock;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A student as a directory: {@code d2llm_student.json} (what it is made of), the LoRA weights as
 * PEFT writes them ({@code adapter_model.safetensors} + {@code adapter_config.json}), and {@code
 * pma.safetensors} and {@code iem.safetensors} (and a residual student's PMA gate, {@code
 * pooling.safetensors}). An exported student holds its merged backbone ({@code config.json}, {@code
 * model.safetensors}, tokenizer) and no adapter.
 */
public final class StudentFiles {

  /** The file that marks a directory as a student. */
  public static final String DESCRIPTOR = "d2llm_student.json";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FORMAT = "d2llm-student";
  private static final String PEFT_PREFIX = "base_model.model.";

  /** A residual student's PMA gate. */
  public static final String GATE_FILE = "pooling.safetensors";

  /** A residual student's domain gates, per branch that has one ({@link DomainGate}). */
  public static final String DOMAIN_GATE_FILE = "domain_gate.json";

  private StudentFiles() {}

  /** Whether {@code dir} holds a student. */
  public static boolean isStudent(Path dir) {
    return Files.isRegularFile(dir.resolve(DESCRIPTOR));
  }

  /**
   * Writes the student's descriptor, adapter and heads into {@code dir} (the base model stays where
   * it is).
   */
  public static void save(Student student, Path dir) {
    try {
      Files.createDirectories(dir);
      StudentConfig c = student.config();
      Map<String, HostTensor> lora = new LinkedHashMap<>();
      student
          .backbone()
          .backbone()
          .namedParameters()
          .forEach(
              (n, p) -> {
                if (Student.isAdapterParameter(n)) {
                  lora.put(PEFT_PREFIX + n, host(p));
                }
              });
      if (c.lora() != null) {
        SafetensorsWriter.write(
            dir.resolve("adapter_model.safetensors"), lora, Map.of("format", "pt"));
        writeJson(dir.resolve("adapter_config.json"), peftConfig(c));
      }
      SafetensorsWriter.write(
          dir.resolve("pma.safetensors"), hostTensors(student.pma()), Map.of("format", "pt"));
      SafetensorsWriter.write(
          dir.resolve("iem.safetensors"), hostTensors(student.iem()), Map.of("format", "pt"));
      writeGate(student, dir);
      writeDomainGates(student, dir);
      writeJson(dir.resolve(DESCRIPTOR), descriptor(c, student.dimension()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write student to " + dir, e);
    }
  }

  /** Loads a student saved by {@link #save} or {@link #export}. */
  public static Student load(Path dir, Device device) {
    StudentConfig c = readConfig(dir);
    Path base = baseDirectory(dir, c);
    BackboneModel model = BackboneModel.load(base, device, Precision.FP32);
    try {
      if (c.lora() != null) {
        Lora.attach(model.backbone(), c.lora());
        loadInto(model.backbone(), dir.resolve("adapter_model.safetensors"), model);
      }
      int d = model.config().hiddenSize();
      Pma pma = new Pma(d, c.pmaHeads());
      InteractionEmulation iem = new InteractionEmulation(d, c.iemHidden(), c.iem());
      loadInto(pma, dir.resolve("pma.safetensors"), model);
      loadInto(iem, dir.resolve("iem.safetensors"), model);
      PmaGate gate = null;
      if (c.iem() == IemKind.RESIDUAL) {
        gate = new PmaGate(d);
        loadInto(gate, dir.resolve(GATE_FILE), model);
        readDomainGates(dir, iem);
      }
      return new Student(c, model, Student.openTokenizer(base, model), pma, iem, gate);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * Writes the serving form of the student at {@code studentDir} into {@code out}: LoRA merged into
   * the backbone's weights, saved with its config and tokenizer beside PMA and IEM, no adapter.
   */
  public static void export(Path studentDir, Path out) {
    StudentConfig c = readConfig(studentDir);
    Path base = baseDirectory(studentDir, c);
    try (Student student = load(studentDir, Device.cpu())) {
      Lora.merge(student.backbone().backbone());
      Files.createDirectories(out);
      Map<String, HostTensor> weights = hostTensors(student.backbone().backbone());
      SafetensorsWriter.write(out.resolve("model.safetensors"), weights, Map.of("format", "pt"));
      for (String file :
          List.of(
              "config.json",
              "tokenizer.json",
              "tokenizer_config.json",
              "special_tokens_map.json")) {
        if (Files.isRegularFile(base.resolve(file))) {
          Files.copy(base.resolve(file), out.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      SafetensorsWriter.write(
          out.resolve("pma.safetensors"), hostTensors(student.pma()), Map.of("format", "pt"));
      SafetensorsWriter.write(
          out.resolve("iem.safetensors"), hostTensors(student.iem()), Map.of("format", "pt"));
      writeGate(student, out);
      writeDomainGates(student, out);
      writeJson(out.resolve(DESCRIPTOR), descriptor(c.merged("."), student.dimension()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot export student to " + out, e);
    }
  }

  /**
   * SHA-256 (hex) over the student's own files in a fixed order: descriptor, adapter, merged
   * weights if exported, PMA and IEM. The base model is identified by the descriptor's reference.
   */
  public static String fingerprint(Path dir) {
    readConfig(dir);
    MessageDigest digest = sha256();
    for (String name :
        List.of(
            DESCRIPTOR,
            "adapter_model.safetensors",
            "model.safetensors",
            "pma.safetensors",
            "iem.safetensors",
            GATE_FILE,
            DOMAIN_GATE_FILE)) {
      digestFile(digest, dir, name);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * The SHA-256 of what shapes the student's vectors and nothing else: its descriptor without the
   * IEM's fields, its adapter or merged weights, PMA and gate. Two students that differ only in
   * their IEM (a distillation that trained the IEM alone) embed alike and share this fingerprint.
   */
  public static String encodingFingerprint(Path dir) {
    readConfig(dir);
    MessageDigest digest = sha256();
    try {
      ObjectNode descriptor = (ObjectNode) JSON.readTree(dir.resolve(DESCRIPTOR).toFile());
      descriptor.remove(List.of("iem", "iem_hidden"));
      digest.update(descriptor.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir.resolve(DESCRIPTOR), e);
    }
    for (String name :
        List.of("adapter_model.safetensors", "model.safetensors", "pma.safetensors", GATE_FILE)) {
      digestFile(digest, dir, name);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** Adds the file's name and bytes to {@code digest}, if it exists. */
  private static void digestFile(MessageDigest digest, Path dir, String name) {
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      return;
    }
    digest.update(name.getBytes(StandardCharsets.UTF_8));
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        digest.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The descriptor of the student at {@code dir}. */
  public static StudentConfig readConfig(Path dir) {
    Path file = dir.resolve(DESCRIPTOR);
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(dir + " is not a student: " + DESCRIPTOR + " is missing");
    }
    try {
      JsonNode j = JSON.readTree(file.toFile());
      if (!FORMAT.equals(j.path("format").asText())) {
        throw new CheckpointException(
            file + ": expected \"format\": \"" + FORMAT + "\", found " + j.path("format"));
      }
      LoraConfig lora = null;
      JsonNode l = j.path("lora");
      if (l.isObject()) {
        List<String> targets = new ArrayList<>();
        l.path("target_modules").forEach(t -> targets.add(t.asText()));
        lora =
            new LoraConfig(
                l.path("r").asInt(),
                l.path("lora_alpha").asDouble(),
                l.path("lora_dropout").asDouble(),
                targets);
      }
      // Students written before the residual IEM existed carry no "iem": they are the paper's.
      IemKind iem = IemKind.parse(j.path("iem").asText(IemKind.PAPER.label()));
      EncoderSettings nativeEncoding = null;
      if (iem == IemKind.RESIDUAL) {
        JsonNode n = j.path("native_encoding");
        if (!n.isObject()) {
          throw new CheckpointException(
              file + ": a residual student needs \"native_encoding\" (pooling, prefixes)");
        }
        nativeEncoding =
            new EncoderSettings(
                Pooling.valueOf(n.path("pooling").asText("CLS").toUpperCase(java.util.Locale.ROOT)),
                n.path("normalize").asBoolean(true),
                n.path("query_prefix").asText(""),
                n.path("passage_prefix").asText(""),
                n.path("max_length").asInt(Student.MAX_LENGTH));
      }
      return new StudentConfig(
          j.path("base_model").asText(),
          lora,
          j.path("pma_heads").asInt(),
          j.path("iem_hidden").asInt(),
          iem,
          nativeEncoding);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static Path baseDirectory(Path studentDir, StudentConfig c) {
    if (ModelCache.isBundled(c.baseModel())) {
      return ModelCache.resolve(c.baseModel());
    }
    Path base = Path.of(c.baseModel());
    return base.isAbsolute() ? base : studentDir.resolve(base).normalize();
  }

  private static void loadInto(NamedBlock block, Path file, BackboneModel model) {
    try (SafetensorsFile source = SafetensorsFile.open(file)) {
      WeightLoader.loadMissing(block, source, model.manager(), file.toString());
    }
  }

  private static ObjectNode descriptor(StudentConfig c, int dim) {
    ObjectNode j = JSON.createObjectNode();
    j.put("format", FORMAT);
    j.put("version", 1);
    j.put("base_model", c.baseModel());
    j.put("dim", dim);
    if (c.lora() == null) {
      j.putNull("lora");
    } else {
      ObjectNode l = j.putObject("lora");
      l.put("r", c.lora().rank());
      l.put("lora_alpha", c.lora().alpha());
      l.put("lora_dropout", c.lora().dropout());
      c.lora().targets().forEach(l.putArray("target_modules")::add);
    }
    j.put("pma_heads", c.pmaHeads());
    j.put("iem_hidden", c.iemHidden());
    j.put("iem", c.iem().label());
    if (c.nativeEncoding() != null) {
      ObjectNode n = j.putObject("native_encoding");
      n.put("pooling", c.nativeEncoding().pooling().name().toLowerCase(java.util.Locale.ROOT));
      n.put("normalize", c.nativeEncoding().normalize());
      n.put("query_prefix", c.nativeEncoding().queryPrefix());
      n.put("passage_prefix", c.nativeEncoding().passagePrefix());
      n.put("max_length", c.nativeEncoding().maxLength());
    }
    return j;
  }

  private static ObjectNode peftConfig(StudentConfig c) {
    ObjectNode j = JSON.createObjectNode();
    j.put("peft_type", "LORA");
    j.put("base_model_name_or_path", c.baseModel());
    j.put("r", c.lora().rank());
    j.put("lora_alpha", c.lora().alpha());
    j.put("lora_dropout", c.lora().dropout());
    c.lora().targets().forEach(j.putArray("target_modules")::add);
    j.put("bias", "none");
    return j;
  }

  private static void writeGate(Student student, Path dir) throws IOException {
    if (student.gate().isPresent()) {
      SafetensorsWriter.write(
          dir.resolve(GATE_FILE), hostTensors(student.gate().get()), Map.of("format", "pt"));
    }
  }

  private static Map<String, HostTensor> hostTensors(NamedBlock block) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    block.namedParameters().forEach((n, p) -> out.put(n, host(p)));
    return out;
  }

  private static HostTensor host(Parameter p) {
    var a = p.getArray().toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
    return HostTensor.ofFloats(a.toFloatArray(), a.getShape().getShape());
  }

  /**
   * Writes {@link #DOMAIN_GATE_FILE} when a branch has a domain gate, and removes a stale one when
   * none has.
   */
  private static void writeDomainGates(Student student, Path dir) throws IOException {
    ObjectNode gates = JSON.createObjectNode();
    for (Branch b : Branch.values()) {
      student
          .iem()
          .gate(b)
          .ifPresent(g -> gates.set(b.name().toLowerCase(java.util.Locale.ROOT), g.toJson(JSON)));
    }
    Path file = dir.resolve(DOMAIN_GATE_FILE);
    if (gates.isEmpty()) {
      Files.deleteIfExists(file);
    } else {
      writeJson(file, gates);
    }
  }

  private static void readDomainGates(Path dir, InteractionEmulation iem) {
    Path file = dir.resolve(DOMAIN_GATE_FILE);
    if (!Files.isRegularFile(file)) {
      return;
    }
    try {
      JsonNode gates = JSON.readTree(file.toFile());
      for (Branch b : Branch.values()) {
        String name = b.name().toLowerCase(java.util.Locale.ROOT);
        if (gates.has(name)) {
          iem.setGate(b, DomainGate.fromJson(gates.get(name)));
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new CheckpointException(
          "cannot read the domain gates in " + file + ": " + e.getMessage(), e);
    }
  }

  private static void writeJson(Path file, JsonNode node) throws IOException {
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), node);
  }
}
