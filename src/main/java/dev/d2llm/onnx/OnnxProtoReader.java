package dev.d2llm.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.d2llm.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-written reader for the few ONNX protobuf messages the importer needs. Each nested message is
 * decoded from its own slice of the file buffer, so {@code raw_data} becomes a view, not a copy.
 */
final class OnnxProtoReader {

  // ModelProto / GraphProto / NodeProto / AttributeProto / TensorProto / ValueInfoProto field
  // numbers (onnx.proto).
  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_NODE = 1,
      GRAPH_INITIALIZER = 5,
      GRAPH_INPUT = 11,
      GRAPH_OUTPUT = 12;
  private static final int NODE_INPUT = 1,
      NODE_OUTPUT = 2,
      NODE_NAME = 3,
      NODE_OP_TYPE = 4,
      NODE_ATTRIBUTE = 5;
  private static final int ATTR_NAME = 1, ATTR_F = 2, ATTR_T = 5;
  private static final int TENSOR_DIMS = 1,
      TENSOR_DATA_TYPE = 2,
      TENSOR_FLOAT_DATA = 4,
      TENSOR_INT32_DATA = 5,
      TENSOR_INT64_DATA = 7,
      TENSOR_NAME = 8,
      TENSOR_RAW_DATA = 9,
      TENSOR_DOUBLE_DATA = 10,
      TENSOR_EXTERNAL_DATA = 13,
      TENSOR_DATA_LOCATION = 14;
  private static final int VALUE_INFO_NAME = 1;

  private OnnxProtoReader() {}

  static OnnxModel readModel(ByteBuffer file, String source) {
    try {
      ByteBuffer graph = null;
      ByteBuffer buf = file.slice();
      CodedInputStream in = CodedInputStream.newInstance(buf);
      for (int tag; (tag = in.readTag()) != 0; ) {
        if (WireFormat.getTagFieldNumber(tag) == MODEL_GRAPH && isDelimited(tag)) {
          graph = delimited(in, buf);
        } else {
          in.skipField(tag);
        }
      }
      if (graph == null) {
        throw new CheckpointException(
            source + " holds no graph (ModelProto field 7); expected an ONNX model file");
      }
      return readGraph(graph);
    } catch (IOException | RuntimeException e) {
      if (e instanceof CheckpointException ce) {
        throw ce;
      }
      throw new CheckpointException(
          "cannot parse " + source + " as an ONNX model: " + e.getMessage(), e);
    }
  }

  private static OnnxModel readGraph(ByteBuffer buf) throws IOException {
    Map<String, OnnxTensor> inits = new LinkedHashMap<>();
    List<OnnxNode> nodes = new ArrayList<>();
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    CodedInputStream in = CodedInputStream.newInstance(buf);
    for (int tag; (tag = in.readTag()) != 0; ) {
      int field = WireFormat.getTagFieldNumber(tag);
      if (!isDelimited(tag)) {
        in.skipField(tag);
        continue;
      }
      switch (field) {
        case GRAPH_NODE -> nodes.add(readNode(delimited(in, buf)));
        case GRAPH_INITIALIZER -> {
          OnnxTensor t = readTensor(delimited(in, buf));
          inits.put(t.name(), t);
        }
        case GRAPH_INPUT -> inputs.add(readValueInfoName(delimited(in, buf)));
        case GRAPH_OUTPUT -> outputs.add(readValueInfoName(delimited(in, buf)));
        default -> in.skipField(tag);
      }
    }
    return new OnnxModel(inits, nodes, inputs, outputs);
  }

  private static OnnxNode readNode(ByteBuffer buf) throws IOException {
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    String name = "";
    String op = "";
    Map<String, OnnxTensor> tensors = new HashMap<>();
    Map<String, Float> floats = new HashMap<>();
    CodedInputStream in = CodedInputStream.newInstance(buf);
    for (int tag; (tag = in.readTag()) != 0; ) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case NODE_INPUT -> inputs.add(in.readStringRequireUtf8());
        case NODE_OUTPUT -> outputs.add(in.readStringRequireUtf8());
        case NODE_NAME -> name = in.readStringRequireUtf8();
        case NODE_OP_TYPE -> op = in.readStringRequireUtf8();
        case NODE_ATTRIBUTE -> readAttribute(delimited(in, buf), tensors, floats);
        default -> in.skipField(tag);
      }
    }
    return new OnnxNode(name, op, inputs, outputs, tensors, floats);
  }

  private static void readAttribute(
      ByteBuffer buf, Map<String, OnnxTensor> tensors, Map<String, Float> floats)
      throws IOException {
    String name = "";
    OnnxTensor t = null;
    Float f = null;
    CodedInputStream in = CodedInputStream.newInstance(buf);
    for (int tag; (tag = in.readTag()) != 0; ) {
      int field = WireFormat.getTagFieldNumber(tag);
      if (field == ATTR_NAME) {
        name = in.readStringRequireUtf8();
      } else if (field == ATTR_F && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_FIXED32) {
        f = in.readFloat();
      } else if (field == ATTR_T && isDelimited(tag)) {
        t = readTensor(delimited(in, buf));
      } else {
        in.skipField(tag);
      }
    }
    // The default value of an absent 'f' is 0.0, indistinguishable from a real 0.0; only a present
    // field counts.
    if (t != null) {
      tensors.put(name, t);
    }
    if (f != null) {
      floats.put(name, f);
    }
  }

  private static String readValueInfoName(ByteBuffer buf) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(buf);
    for (int tag; (tag = in.readTag()) != 0; ) {
      if (WireFormat.getTagFieldNumber(tag) == VALUE_INFO_NAME) {
        return in.readStringRequireUtf8();
      }
      in.skipField(tag);
    }
    return "";
  }

  static OnnxTensor readTensor(ByteBuffer buf) throws IOException {
    String name = "";
    int dataType = 0;
    List<Long> dims = new ArrayList<>();
    ByteBuffer raw = null;
    List<ByteBuffer> fixedChunks =
        new ArrayList<>(); // packed float_data / double_data: already LE bytes
    List<Long> varints = new ArrayList<>(); // int32_data / int64_data
    boolean external = false;
    CodedInputStream in = CodedInputStream.newInstance(buf);
    for (int tag; (tag = in.readTag()) != 0; ) {
      int field = WireFormat.getTagFieldNumber(tag);
      int wire = WireFormat.getTagWireType(tag);
      switch (field) {
        case TENSOR_DIMS -> readVarints(in, wire, dims);
        case TENSOR_DATA_TYPE -> dataType = in.readInt32();
        case TENSOR_NAME -> name = in.readStringRequireUtf8();
        case TENSOR_RAW_DATA -> raw = delimited(in, buf);
        case TENSOR_FLOAT_DATA, TENSOR_DOUBLE_DATA -> {
          if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            fixedChunks.add(delimited(in, buf));
          } else if (wire == WireFormat.WIRETYPE_FIXED32) {
            fixedChunks.add(le(4).putInt(0, in.readRawLittleEndian32()));
          } else {
            fixedChunks.add(le(8).putLong(0, in.readRawLittleEndian64()));
          }
        }
        case TENSOR_INT32_DATA, TENSOR_INT64_DATA -> readVarints(in, wire, varints);
        case TENSOR_EXTERNAL_DATA -> {
          external = true;
          in.skipField(tag);
        }
        case TENSOR_DATA_LOCATION -> external |= in.readInt32() == 1;
        default -> in.skipField(tag);
      }
    }
    if (external) {
      throw new CheckpointException(
          "ONNX tensor '"
              + name
              + "' keeps its data in an external file; expected the weights inside the .onnx file (external data is not supported)");
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    int elemSize = OnnxTensor.elementSize(dataType);
    if (elemSize < 0) {
      // Strings and other exotic types never hold weights; keep the node readable and fail only if
      // used.
      return new OnnxTensor(name, dataType, shape, raw != null ? raw : ByteBuffer.allocate(0));
    }
    long numel = 1;
    for (long d : shape) {
      numel = Math.multiplyExact(numel, d);
    }
    ByteBuffer data;
    if (raw != null) {
      data = raw;
    } else if (!fixedChunks.isEmpty()) {
      data = concat(fixedChunks);
    } else {
      data = le(Math.toIntExact(varints.size() * (long) elemSize));
      for (long v : varints) {
        // int32_data also carries float16/bfloat16 bit patterns and small ints, one element per
        // varint.
        switch (elemSize) {
          case 8 -> data.putLong(v);
          case 4 -> data.putInt((int) v);
          case 2 -> data.putShort((short) v);
          default -> data.put((byte) v);
        }
      }
      data.flip();
    }
    if (data.remaining() != numel * elemSize) {
      throw new CheckpointException(
          "ONNX tensor '"
              + name
              + "' of dims "
              + dims
              + " and data_type "
              + dataType
              + " needs "
              + numel * elemSize
              + " bytes, found "
              + data.remaining());
    }
    return new OnnxTensor(name, dataType, shape, data);
  }

  private static void readVarints(CodedInputStream in, int wire, List<Long> out)
      throws IOException {
    if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      int limit = in.pushLimit(in.readRawVarint32());
      while (in.getBytesUntilLimit() > 0) {
        out.add(in.readInt64());
      }
      in.popLimit(limit);
    } else {
      out.add(in.readInt64());
    }
  }

  private static boolean isDelimited(int tag) {
    return WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
  }

  /**
   * The next length-delimited field as a view of {@code base} (the buffer {@code in} reads from).
   */
  private static ByteBuffer delimited(CodedInputStream in, ByteBuffer base) throws IOException {
    int len = in.readRawVarint32();
    int pos = in.getTotalBytesRead();
    if (len < 0 || pos + len > base.limit()) {
      throw new CheckpointException(
          "truncated field: " + len + " bytes at offset " + pos + " of " + base.limit());
    }
    ByteBuffer slice = base.slice(pos, len).order(ByteOrder.LITTLE_ENDIAN);
    in.skipRawBytes(len);
    return slice;
  }

  private static ByteBuffer concat(List<ByteBuffer> chunks) {
    if (chunks.size() == 1) {
      return chunks.get(0);
    }
    ByteBuffer out = le(chunks.stream().mapToInt(ByteBuffer::remaining).sum());
    chunks.forEach(c -> out.put(c.duplicate()));
    return out.flip();
  }

  private static ByteBuffer le(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }
}
