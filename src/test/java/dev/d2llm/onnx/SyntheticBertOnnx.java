package dev.d2llm.onnx;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a tiny BERT-shaped ONNX graph the way {@code torch.onnx} exports one: HF-named embeddings,
 * LayerNorms and biases, anonymous {@code [in, out]} MatMul weights added to their bias, and the
 * Constant/Concat/Reshape that reveals the head count.
 */
public final class SyntheticBertOnnx {

  public int hidden = 4;
  public int heads = 2;
  public int intermediate = 8;
  public int vocab = 10;
  public int maxPositions = 6;
  public int typeVocab = 2;
  public int layers = 2;
  public float eps = 1e-12f;
  public String prefix = "";

  /** Initializer names to leave out, to provoke validation errors. */
  public Set<String> omit = new HashSet<>();

  /** When set, one extra MatMul whose weight nothing names. */
  public boolean unnamedMatMul;

  private final List<byte[]> nodes = new ArrayList<>();
  private final List<byte[]> inits = new ArrayList<>();
  private int anon = 100;

  /**
   * The value at {@code [r][c]} of the anonymous weight for a module: distinct per module and
   * element.
   */
  public static float weightValue(int module, int r, int c) {
    return module * 1000 + r * 100 + c;
  }

  public byte[] build() {
    nodes.clear();
    inits.clear();
    anon = 100;
    floatInit("embeddings.word_embeddings.weight", vocab, hidden);
    floatInit("embeddings.position_embeddings.weight", maxPositions, hidden);
    floatInit("embeddings.token_type_embeddings.weight", typeVocab, hidden);
    floatInit("embeddings.LayerNorm.weight", hidden);
    floatInit("embeddings.LayerNorm.bias", hidden);
    inits.add(
        tensorRaw(
            prefix + "embeddings.position_ids",
            7,
            new long[] {1, maxPositions},
            le(8 * maxPositions)));
    // LayerNorm decomposed as torch exports it: ReduceMean, Sub, Pow, ReduceMean, Add(eps), Sqrt,
    // Div.
    nodes.add(
        node(
            "/embeddings/LayerNorm/Constant_1",
            "Constant",
            List.of(),
            List.of("/embeddings/LayerNorm/Constant_1_output_0"),
            attrTensor("value", tensorFloatData("", new long[] {}, new float[] {eps}))));
    nodes.add(
        node(
            "/embeddings/LayerNorm/Add",
            "Add",
            List.of(
                "/embeddings/LayerNorm/ReduceMean_1_output_0",
                "/embeddings/LayerNorm/Constant_1_output_0"),
            List.of("/embeddings/LayerNorm/Add_output_0")));
    nodes.add(
        node(
            "/embeddings/LayerNorm/Sqrt",
            "Sqrt",
            List.of("/embeddings/LayerNorm/Add_output_0"),
            List.of("/embeddings/LayerNorm/Sqrt_output_0")));
    String x = "/embeddings/LayerNorm/Add_1_output_0";
    int module = 0;
    for (int l = 0; l < layers; l++) {
      String scope = "/encoder/layer." + l + "/";
      String hf = "encoder.layer." + l + ".";
      for (String m :
          List.of("attention/self/query", "attention/self/key", "attention/self/value")) {
        linear(scope + m, hf + m.replace('/', '.'), x, hidden, hidden, module++);
      }
      String s = scope + "attention/self/";
      nodes.add(
          node(
              s + "Constant_2",
              "Constant",
              List.of(),
              List.of(s + "Constant_2_output_0"),
              attrTensor("value", tensorRaw("", 7, new long[] {1}, longs(heads)))));
      nodes.add(
          node(
              s + "Constant_3",
              "Constant",
              List.of(),
              List.of(s + "Constant_3_output_0"),
              attrTensor("value", tensorRaw("", 7, new long[] {1}, longs(hidden / heads)))));
      nodes.add(
          node(
              s + "Concat",
              "Concat",
              List.of(
                  s + "Unsqueeze_output_0",
                  s + "Unsqueeze_1_output_0",
                  s + "Constant_2_output_0",
                  s + "Constant_3_output_0"),
              List.of(s + "Concat_output_0")));
      nodes.add(
          node(
              s + "Reshape",
              "Reshape",
              List.of(s + "key/Add_output_0", s + "Concat_output_0"),
              List.of(s + "Reshape_output_0")));
      nodes.add(
          node(
              s + "MatMul",
              "MatMul",
              List.of(s + "Reshape_output_0", s + "Transpose_output_0"),
              List.of(s + "MatMul_output_0")));
      linear(
          scope + "attention/output/dense",
          hf + "attention.output.dense",
          s + "MatMul_output_0",
          hidden,
          hidden,
          module++);
      floatInit(hf + "attention.output.LayerNorm.weight", hidden);
      floatInit(hf + "attention.output.LayerNorm.bias", hidden);
      linear(
          scope + "intermediate/dense",
          hf + "intermediate.dense",
          "a" + l,
          hidden,
          intermediate,
          module++);
      nodes.add(
          node(
              scope + "intermediate/intermediate_act_fn/Erf",
              "Erf",
              List.of("e" + l),
              List.of("erf" + l)));
      linear(scope + "output/dense", hf + "output.dense", "b" + l, intermediate, hidden, module++);
      floatInit(hf + "output.LayerNorm.weight", hidden);
      floatInit(hf + "output.LayerNorm.bias", hidden);
    }
    if (unnamedMatMul) {
      String w = "onnx::MatMul_999";
      inits.add(tensorRaw(w, 1, new long[] {hidden, hidden}, le(4 * hidden * hidden)));
      nodes.add(node("MatMul_7", "MatMul", List.of("z", w), List.of("mm7")));
      nodes.add(node("Relu_8", "Relu", List.of("mm7"), List.of("r8")));
    }
    return model();
  }

  /** MatMul with an anonymous [in, out] weight whose output an Add combines with the named bias. */
  private void linear(String scope, String hfModule, String input, int in, int out, int module) {
    String w = "onnx::MatMul_" + anon++;
    ByteBuffer b = le(4 * in * out);
    for (int r = 0; r < in; r++) {
      for (int c = 0; c < out; c++) {
        b.putFloat(weightValue(module, r, c));
      }
    }
    if (!omit.contains(hfModule + ".weight")) {
      inits.add(tensorRaw(w, 1, new long[] {in, out}, b.flip()));
    }
    floatInit(hfModule + ".bias", out);
    nodes.add(
        node(scope + "/MatMul", "MatMul", List.of(input, w), List.of(scope + "/MatMul_output_0")));
    nodes.add(
        node(
            scope + "/Add",
            "Add",
            List.of(prefix + hfModule + ".bias", scope + "/MatMul_output_0"),
            List.of(scope + "/Add_output_0")));
  }

  private void floatInit(String name, long... dims) {
    if (omit.contains(name)) {
      return;
    }
    int n = 1;
    for (long d : dims) {
      n *= (int) d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = i * 0.5f;
    }
    // Alternate the two encodings an exporter may use so both get read.
    inits.add(
        inits.size() % 2 == 0
            ? tensorFloatData(prefix + name, dims, v)
            : tensorRaw(prefix + name, 1, dims, floats(v)));
  }

  private byte[] model() {
    byte[] graph =
        message(
            out -> {
              for (byte[] n : nodes) {
                out.writeByteArray(1, n);
              }
              out.writeString(2, "main_graph");
              for (byte[] t : inits) {
                out.writeByteArray(5, t);
              }
              for (String in : List.of("input_ids", "attention_mask", "token_type_ids")) {
                out.writeByteArray(11, message(v -> v.writeString(1, in)));
              }
              out.writeByteArray(12, message(v -> v.writeString(1, "last_hidden_state")));
            });
    return message(
        out -> {
          out.writeInt64(1, 8); // ir_version
          out.writeString(2, "pytorch");
          out.writeByteArray(7, graph);
        });
  }

  public static byte[] node(
      String name, String op, List<String> in, List<String> outs, byte[]... attrs) {
    return message(
        out -> {
          for (String s : in) {
            out.writeString(1, s);
          }
          for (String s : outs) {
            out.writeString(2, s);
          }
          out.writeString(3, name);
          out.writeString(4, op);
          for (byte[] a : attrs) {
            out.writeByteArray(5, a);
          }
        });
  }

  public static byte[] attrTensor(String name, byte[] tensor) {
    return message(
        out -> {
          out.writeString(1, name);
          out.writeByteArray(5, tensor);
          out.writeInt32(20, 4); // AttributeType.TENSOR
        });
  }

  /** A TensorProto with {@code raw_data}, dims written unpacked. */
  public static byte[] tensorRaw(String name, int dataType, long[] dims, ByteBuffer raw) {
    byte[] bytes = new byte[raw.remaining()];
    raw.duplicate().get(bytes);
    return message(
        out -> {
          for (long d : dims) {
            out.writeInt64(1, d);
          }
          out.writeInt32(2, dataType);
          out.writeString(8, name);
          out.writeByteArray(9, bytes);
        });
  }

  /** A float TensorProto with packed {@code float_data} and packed dims. */
  public static byte[] tensorFloatData(String name, long[] dims, float[] values) {
    return message(
        out -> {
          if (dims.length > 0) {
            int size = 0;
            for (long d : dims) {
              size += CodedOutputStream.computeInt64SizeNoTag(d);
            }
            out.writeTag(1, 2);
            out.writeUInt32NoTag(size);
            for (long d : dims) {
              out.writeInt64NoTag(d);
            }
          }
          out.writeInt32(2, 1);
          out.writeTag(4, 2);
          out.writeUInt32NoTag(4 * values.length);
          for (float v : values) {
            out.writeFloatNoTag(v);
          }
          out.writeString(8, name);
        });
  }

  /** A TensorProto that says its data lives in an external file. */
  public static byte[] tensorExternal(String name) {
    return message(
        out -> {
          out.writeInt64(1, 2);
          out.writeInt32(2, 1);
          out.writeString(8, name);
          out.writeByteArray(
              13,
              message(
                  kv -> {
                    kv.writeString(1, "location");
                    kv.writeString(2, "weights.bin");
                  }));
          out.writeInt32(14, 1);
        });
  }

  /** A model of just these initializers and nodes. */
  public static byte[] modelOf(List<byte[]> initializers, List<byte[]> nodes) {
    byte[] graph =
        message(
            out -> {
              for (byte[] n : nodes) {
                out.writeByteArray(1, n);
              }
              for (byte[] t : initializers) {
                out.writeByteArray(5, t);
              }
            });
    return message(out -> out.writeByteArray(7, graph));
  }

  interface Writer {
    void write(CodedOutputStream out) throws IOException;
  }

  static byte[] message(Writer w) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      w.write(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ByteBuffer le(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  static ByteBuffer longs(long... v) {
    ByteBuffer b = le(8 * v.length);
    for (long x : v) {
      b.putLong(x);
    }
    return b.flip();
  }

  static ByteBuffer floats(float... v) {
    ByteBuffer b = le(4 * v.length);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.flip();
  }
}
