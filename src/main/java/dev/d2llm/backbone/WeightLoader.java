package dev.d2llm.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.d2llm.checkpoint.CheckpointException;
import dev.d2llm.checkpoint.DTypes;
import dev.d2llm.checkpoint.TensorDType;
import dev.d2llm.checkpoint.TensorInfo;
import dev.d2llm.checkpoint.TensorSource;
import dev.d2llm.nn.NamedBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills a {@link NamedBlock}'s parameters from a checkpoint by name, checking every shape against
 * the configuration and naming what was expected and what was found.
 */
public final class WeightLoader {

  private static final Logger LOG = LoggerFactory.getLogger(WeightLoader.class);

  /** Prefixes task-head checkpoints put before the base model's names. */
  private static final List<String> PREFIXES = List.of("", "bert.", "base_model.model.");

  /** Tensors a checkpoint may carry that the backbone does not use. */
  private static final Pattern IGNORABLE =
      Pattern.compile(
          "(bert\\.)?(pooler\\..*|embeddings\\.position_ids|cls\\..*|classifier\\..*)|lm_head\\.weight|.*rotary_emb\\.inv_freq");

  private WeightLoader() {}

  /** Loads every parameter of {@code block} from {@code source} in float32. */
  public static void load(NamedBlock block, TensorSource source, NDManager manager, String origin) {
    load(block, source, manager, origin, Precision.FP32);
  }

  /**
   * Loads every parameter of {@code block} from {@code source} into arrays owned by {@code
   * manager}, in the number format {@code precision} asks for.
   */
  public static void load(
      NamedBlock block,
      TensorSource source,
      NDManager manager,
      String origin,
      Precision precision) {
    load(block, source, manager, origin, precision, false);
  }

  /**
   * Loads only the parameters of {@code block} that have no value yet (adapters and heads added to
   * a loaded backbone), failing on any that {@code source} lacks.
   */
  public static void loadMissing(
      NamedBlock block, TensorSource source, NDManager manager, String origin) {
    load(block, source, manager, origin, Precision.FP32, true);
  }

  private static void load(
      NamedBlock block,
      TensorSource source,
      NDManager manager,
      String origin,
      Precision precision,
      boolean onlyMissing) {
    Map<String, Parameter> params = new java.util.LinkedHashMap<>(block.namedParameters());
    if (onlyMissing) {
      params.values().removeIf(Parameter::isInitialized);
    }
    Map<String, Shape> shapes = block.namedShapes();
    List<String> missing = new ArrayList<>();
    Set<String> used = new TreeSet<>();
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      String name = find(source, e.getKey());
      if (name == null) {
        missing.add(e.getKey());
        continue;
      }
      used.add(name);
      TensorInfo info = source.info(name);
      Shape expected = shapes.get(e.getKey());
      if (!Arrays.equals(expected.getShape(), info.shape())) {
        throw new CheckpointException(
            origin
                + ": tensor '"
                + name
                + "' has shape "
                + Arrays.toString(info.shape())
                + " but config.json implies "
                + expected);
      }
      NDArray array =
          wrapped(source, name, info, expected, manager, precision)
              .orElseGet(() -> toDevice(source.floats(name), expected, manager, precision));
      array.setName(e.getKey());
      e.getValue().setArray(array);
    }
    if (!missing.isEmpty()) {
      throw new CheckpointException(
          origin
              + ": "
              + missing.size()
              + " expected tensors are missing, e.g. "
              + missing.subList(0, Math.min(5, missing.size()))
              + "; the checkpoint has e.g. "
              + source.names().stream().limit(5).toList());
    }
    if (onlyMissing) {
      return;
    }
    List<String> unused =
        source.names().stream()
            .filter(n -> !used.contains(n) && !IGNORABLE.matcher(n).matches())
            .toList();
    if (!unused.isEmpty()) {
      LOG.warn(
          "{}: {} tensors were not used, e.g. {}",
          origin,
          unused.size(),
          unused.subList(0, Math.min(5, unused.size())));
    }
  }

  /**
   * A float32 tensor the engine can use where the file maps it: no decoding and no copy of the
   * weights at load, pages read on first use (copy-on-write, so training still updates them).
   */
  private static Optional<NDArray> wrapped(
      TensorSource source,
      String name,
      TensorInfo info,
      Shape shape,
      NDManager manager,
      Precision precision) {
    if (info.dtype() != TensorDType.F32
        || precision.roundsWeightsToBf16()
        || precision.computeType() != DataType.FLOAT32) {
      return Optional.empty();
    }
    return source.privateMapping(name).map(bytes -> manager.create(bytes, shape, DataType.FLOAT32));
  }

  private static NDArray toDevice(
      float[] values, Shape shape, NDManager manager, Precision precision) {
    if (precision.roundsWeightsToBf16()) {
      for (int i = 0; i < values.length; i++) {
        values[i] = DTypes.fromBf16(DTypes.toBf16(values[i]));
      }
    }
    NDArray array = manager.create(values, shape);
    if (precision.computeType() == array.getDataType()) {
      return array;
    }
    NDArray cast = array.toType(precision.computeType(), false);
    array.close();
    return cast;
  }

  private static String find(TensorSource source, String name) {
    for (String prefix : PREFIXES) {
      if (source.contains(prefix + name)) {
        return prefix + name;
      }
    }
    return null;
  }
}
