package dev.d2llm.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.d2llm.checkpoint.CheckpointException;
import dev.d2llm.checkpoint.HostTensor;
import dev.d2llm.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovers a Hugging Face BERT checkpoint from an ONNX export (as made by {@code torch.onnx} /
 * Optimum): named initializers keep their names, anonymous MatMul weights are named through the
 * bias they are added to and transposed back to {@code [out, in]}, and the config is read off the
 * graph.
 */
public final class BertOnnxImporter {

  private static final Logger LOG = LoggerFactory.getLogger(BertOnnxImporter.class);
  private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");
  private static final double DEFAULT_EPS = 1e-12;

  private BertOnnxImporter() {}

  /** Reads an {@code .onnx} file and imports it; see {@link #importModel(OnnxModel)}. */
  public static ImportedBert importFile(Path onnx) {
    return importModel(OnnxModel.read(onnx));
  }

  /**
   * Names, transposes and validates the encoder's tensors and derives its config. Fails with a
   * {@link CheckpointException} that says what was expected and what the graph holds.
   */
  public static ImportedBert importModel(OnnxModel model) {
    Map<String, HostTensor> tensors = new TreeMap<>();
    Set<String> matmulWeights = new HashSet<>();
    for (OnnxNode node : model.nodesOfType("MatMul")) {
      Optional<OnnxTensor> weight =
          node.inputs().stream()
              .map(model.initializers()::get)
              .filter(t -> t != null && t.rank() == 2)
              .findFirst();
      if (weight.isEmpty()) {
        continue; // activation x activation, e.g. Q·Kᵀ
      }
      String module = moduleOf(model, node, weight.get());
      put(tensors, module + ".weight", transpose(weight.get()), weight.get().name());
      matmulWeights.add(weight.get().name());
    }
    for (OnnxTensor t : model.initializers().values()) {
      String name = stripPrefix(t.name());
      boolean parameter = name.endsWith(".weight") || name.endsWith(".bias");
      if (matmulWeights.contains(t.name())
          || !parameter
          || OnnxTensor.elementSize(t.dataType()) < 0
          || !t.dtype().isFloating()) {
        continue; // position_ids, shape constants and the already named MatMul weights
      }
      put(tensors, name, t.toHost(), t.name());
    }
    OnnxBertConfig config = config(model, tensors);
    validate(tensors, config);
    return new ImportedBert(tensors, config);
  }

  /**
   * Writes a Hugging Face model directory: {@code config.json}, {@code model.safetensors} and, when
   * given, a copy of {@code tokenizer.json}.
   */
  public static void writeHubDirectory(ImportedBert bert, Path outDir, Path tokenizerJson) {
    try {
      Files.createDirectories(outDir);
      new ObjectMapper()
          .writerWithDefaultPrettyPrinter()
          .writeValue(outDir.resolve("config.json").toFile(), bert.config().toJson());
      SafetensorsWriter.write(
          outDir.resolve("model.safetensors"), bert.tensors(), Map.of("format", "pt"));
      if (tokenizerJson != null) {
        Files.copy(
            tokenizerJson, outDir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write model directory " + outDir, e);
    }
  }

  /**
   * The HF module a MatMul belongs to: from the bias initializer its output is added to, checked
   * against the node's name.
   */
  private static String moduleOf(OnnxModel model, OnnxNode matmul, OnnxTensor weight) {
    String viaPath = modulePathOf(matmul.name());
    List<String> consumers = new ArrayList<>();
    for (String out : matmul.outputs()) {
      for (OnnxNode c : model.consumers(out)) {
        consumers.add(c.opType() + " '" + c.name() + "'");
        if (!c.is("Add")) {
          continue;
        }
        for (String in : c.inputs()) {
          OnnxTensor bias = model.initializers().get(in);
          String biasName = bias == null ? "" : stripPrefix(bias.name());
          if (bias != null && bias.rank() == 1 && biasName.endsWith(".bias")) {
            String viaBias = biasName.substring(0, biasName.length() - ".bias".length());
            if (viaPath != null && !viaPath.equals(viaBias)) {
              throw new CheckpointException(
                  "MatMul '"
                      + matmul.name()
                      + "' with weight '"
                      + weight.name()
                      + "' adds bias '"
                      + bias.name()
                      + "' (module '"
                      + viaBias
                      + "') but its node name says module '"
                      + viaPath
                      + "'; expected both to agree");
            }
            return viaBias;
          }
        }
      }
    }
    if (viaPath != null) {
      return viaPath; // a Linear without bias: the exporter's scope name is all there is
    }
    throw new CheckpointException(
        "cannot name MatMul weight '"
            + weight.name()
            + "' "
            + Arrays.toString(weight.dims())
            + " of node '"
            + matmul.name()
            + "': expected its output to feed an Add with a '<module>.bias' initializer"
            + " or a node name like '/encoder/layer.0/attention/self/query/MatMul', found consumers "
            + consumers);
  }

  /**
   * {@code /encoder/layer.0/attention/self/query/MatMul} → {@code
   * encoder.layer.0.attention.self.query}; null if the name has no scope.
   */
  static String modulePathOf(String nodeName) {
    int last = nodeName.lastIndexOf('/');
    if (!nodeName.startsWith("/") || last <= 0) {
      return null;
    }
    String scope = nodeName.substring(1, last).replace('/', '.');
    return scope.contains(".") ? stripPrefix(scope) : null;
  }

  private static String stripPrefix(String name) {
    return name.startsWith("bert.") ? name.substring("bert.".length()) : name;
  }

  private static void put(
      Map<String, HostTensor> tensors, String name, HostTensor t, String source) {
    if (tensors.putIfAbsent(name, t) != null) {
      throw new CheckpointException(
          "two ONNX tensors map to '"
              + name
              + "' (the second is '"
              + source
              + "'); expected each BERT parameter once");
    }
  }

  /**
   * ONNX MatMul weights are {@code [in, out]}; Hugging Face Linear weights are {@code [out, in]}.
   */
  static HostTensor transpose(OnnxTensor w) {
    long[] d = w.dims();
    int rows = Math.toIntExact(d[0]);
    int cols = Math.toIntExact(d[1]);
    int elem = OnnxTensor.elementSize(w.dataType());
    ByteBuffer src = w.data();
    ByteBuffer dst = ByteBuffer.allocate(src.remaining()).order(ByteOrder.LITTLE_ENDIAN);
    if (elem == 4) {
      var s = src.asFloatBuffer();
      var t = dst.asFloatBuffer();
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          t.put(c * rows + r, s.get(r * cols + c));
        }
      }
    } else {
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          for (int b = 0; b < elem; b++) {
            dst.put((c * rows + r) * elem + b, src.get((r * cols + c) * elem + b));
          }
        }
      }
    }
    return new HostTensor(w.dtype(), new long[] {cols, rows}, dst);
  }

  private static OnnxBertConfig config(OnnxModel model, Map<String, HostTensor> tensors) {
    long[] words = required(tensors, "embeddings.word_embeddings.weight");
    long[] positions = required(tensors, "embeddings.position_embeddings.weight");
    long[] types = required(tensors, "embeddings.token_type_embeddings.weight");
    long[] intermediate = required(tensors, "encoder.layer.0.intermediate.dense.weight");
    int hidden = Math.toIntExact(words[1]);
    int layers = 0;
    for (String name : tensors.keySet()) {
      Matcher m = LAYER.matcher(name);
      if (m.find()) {
        layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
      }
    }
    return new OnnxBertConfig(
        hidden,
        layers,
        numHeads(model, hidden),
        Math.toIntExact(intermediate[0]),
        hiddenAct(model),
        Math.toIntExact(positions[0]),
        Math.toIntExact(types[0]),
        Math.toIntExact(words[0]),
        layerNormEps(model));
  }

  private static long[] required(Map<String, HostTensor> tensors, String name) {
    HostTensor t = tensors.get(name);
    if (t == null || t.shape().length != 2) {
      throw new CheckpointException(
          "expected a 2-D tensor '"
              + name
              + "' in the ONNX export, found "
              + (t == null
                  ? "none among " + abbreviate(tensors.keySet())
                  : Arrays.toString(t.shape())));
    }
    return t.shape();
  }

  /**
   * Heads are not in any weight's shape: the attention reshapes {@code [batch, seq, hidden]} into
   * {@code [batch, seq, heads, head_dim]}: either both entries are constants, or heads is -1 and
   * head_dim a constant.
   */
  static int numHeads(OnnxModel model, int hidden) {
    List<OnnxNode> reshapes = model.nodesOfType("Reshape");
    for (OnnxNode r : reshapes) {
      if (r.inputs().size() < 2) {
        continue;
      }
      long[] shape = targetShape(model, r.inputs().get(1));
      if (shape == null || shape.length != 4 || shape[3] <= 0) {
        continue;
      }
      if (shape[2] == -1 && hidden % shape[3] == 0) {
        // Newer exporters write view(batch, seq, -1, head_dim): the heads follow from head_dim.
        return Math.toIntExact(hidden / shape[3]);
      }
      if (shape[2] <= 0) {
        continue;
      }
      if (shape[2] * shape[3] == hidden) {
        return Math.toIntExact(shape[2]);
      }
      if (r.name().contains("attention")) {
        throw new CheckpointException(
            "attention Reshape '"
                + r.name()
                + "' splits into "
                + shape[2]
                + " heads of "
                + shape[3]
                + "; expected num_heads * head_dim == hidden_size "
                + hidden);
      }
    }
    throw new CheckpointException(
        "cannot find the number of attention heads: expected a Reshape to"
            + " [batch, seq, num_heads, head_dim] with constant num_heads and head_dim (product "
            + hidden
            + "), found none among "
            + reshapes.size()
            + " Reshape nodes");
  }

  /**
   * A Reshape target built from constants; unknown (dynamic) entries are -1, null if nothing is
   * known.
   */
  private static long[] targetShape(OnnxModel model, String value) {
    Optional<OnnxTensor> c = model.constant(value);
    if (c.isPresent()) {
      return isInteger(c.get()) ? c.get().longs() : null;
    }
    Optional<OnnxNode> concat = model.producer(value).filter(n -> n.is("Concat"));
    if (concat.isEmpty()) {
      return null;
    }
    List<Long> dims = new ArrayList<>();
    for (String in : concat.get().inputs()) {
      Optional<OnnxTensor> part = model.constant(in).filter(BertOnnxImporter::isInteger);
      if (part.isPresent()) {
        for (long v : part.get().longs()) {
          dims.add(v);
        }
      } else {
        dims.add(-1L); // a dynamic batch or sequence length, one entry each (Unsqueeze of a scalar)
      }
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  private static boolean isInteger(OnnxTensor t) {
    return t.dataType() == OnnxTensor.INT64 || t.dataType() == OnnxTensor.INT32;
  }

  /**
   * The epsilon of the first LayerNorm: a fused LayerNormalization's attribute, or the constant
   * added before Sqrt.
   */
  static double layerNormEps(OnnxModel model) {
    for (OnnxNode n : model.nodesOfType("LayerNormalization")) {
      Float eps = n.floatAttributes().get("epsilon");
      if (eps != null) {
        return tidy(eps);
      }
    }
    for (OnnxNode sqrt : model.nodesOfType("Sqrt")) {
      Optional<OnnxNode> add = model.producer(sqrt.inputs().get(0)).filter(n -> n.is("Add"));
      if (add.isEmpty()) {
        continue;
      }
      for (String in : add.get().inputs()) {
        Optional<OnnxTensor> c = model.constant(in);
        if (c.isPresent()
            && c.get().numel() == 1
            && (c.get().dataType() == OnnxTensor.FLOAT
                || c.get().dataType() == OnnxTensor.DOUBLE)) {
          return tidy(c.get().doubles()[0]);
        }
      }
    }
    LOG.warn("no LayerNorm epsilon found in the ONNX graph; using {}", DEFAULT_EPS);
    return DEFAULT_EPS;
  }

  /** Float32 1e-12 widens to 9.99999996e-13; print it the way the original config did. */
  private static double tidy(double eps) {
    return Double.parseDouble(Float.toString((float) eps));
  }

  private static String hiddenAct(OnnxModel model) {
    if (!model.nodesOfType("Erf").isEmpty()) {
      return "gelu";
    }
    if (!model.nodesOfType("Tanh").isEmpty()) {
      return "gelu_new";
    }
    return "gelu";
  }

  /**
   * Every parameter of every layer, with the shape the config implies; all problems are reported
   * together.
   */
  private static void validate(Map<String, HostTensor> tensors, OnnxBertConfig c) {
    long h = c.hiddenSize();
    long i = c.intermediateSize();
    Map<String, long[]> expected = new LinkedHashMap<>();
    expected.put("embeddings.word_embeddings.weight", new long[] {c.vocabSize(), h});
    expected.put(
        "embeddings.position_embeddings.weight", new long[] {c.maxPositionEmbeddings(), h});
    expected.put("embeddings.token_type_embeddings.weight", new long[] {c.typeVocabSize(), h});
    expected.put("embeddings.LayerNorm.weight", new long[] {h});
    expected.put("embeddings.LayerNorm.bias", new long[] {h});
    for (int l = 0; l < c.numHiddenLayers(); l++) {
      String p = "encoder.layer." + l + ".";
      for (String m :
          List.of(
              "attention.self.query",
              "attention.self.key",
              "attention.self.value",
              "attention.output.dense")) {
        expected.put(p + m + ".weight", new long[] {h, h});
        expected.put(p + m + ".bias", new long[] {h});
      }
      expected.put(p + "intermediate.dense.weight", new long[] {i, h});
      expected.put(p + "intermediate.dense.bias", new long[] {i});
      expected.put(p + "output.dense.weight", new long[] {h, i});
      expected.put(p + "output.dense.bias", new long[] {h});
      for (String ln : List.of("attention.output.LayerNorm", "output.LayerNorm")) {
        expected.put(p + ln + ".weight", new long[] {h});
        expected.put(p + ln + ".bias", new long[] {h});
      }
    }
    List<String> problems = new ArrayList<>();
    expected.forEach(
        (name, shape) -> {
          HostTensor t = tensors.get(name);
          if (t == null) {
            problems.add("missing " + name + Arrays.toString(shape));
          } else if (!Arrays.equals(t.shape(), shape)) {
            problems.add(
                name
                    + " expected "
                    + Arrays.toString(shape)
                    + ", found "
                    + Arrays.toString(t.shape()));
          }
        });
    if (c.hiddenSize() % c.numAttentionHeads() != 0) {
      problems.add(
          "hidden_size "
              + h
              + " is not a multiple of num_attention_heads "
              + c.numAttentionHeads());
    }
    if (!problems.isEmpty()) {
      throw new CheckpointException(
          "the ONNX export is not a complete BERT encoder ("
              + c.numHiddenLayers()
              + " layers, hidden "
              + h
              + "): "
              + String.join("; ", problems)
              + "; found tensors "
              + abbreviate(tensors.keySet()));
    }
  }

  private static String abbreviate(Set<String> names) {
    List<String> list = new ArrayList<>(names);
    return list.size() <= 30
        ? list.toString()
        : list.subList(0, 30) + " and " + (list.size() - 30) + " more";
  }
}
