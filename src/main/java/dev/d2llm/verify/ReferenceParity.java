package dev.d2llm.verify;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.d2llm.backbone.BackboneModel;
import dev.d2llm.backbone.DecoderBackbone;
import dev.d2llm.backbone.Precision;
import dev.d2llm.checkpoint.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares a model directory with the outputs Hugging Face transformers produced for it, stored in
 * {@code reference.safetensors} ({@code right.*} and {@code left.*} padded batches).
 */
public final class ReferenceParity {

  /** The bound on the largest absolute difference in float32. */
  public static final double TOLERANCE = 1e-4;

  /** bf16 keeps 8 bits of mantissa: its comparison is reported, not gated. */
  public static final double BF16_TOLERANCE = 1e-1;

  /**
   * fp16 keeps 11 bits: half-precision states against the float32 reference, reported, not gated.
   */
  public static final double FP16_TOLERANCE = 1e-2;

  private ReferenceParity() {}

  /** Whether {@code dir} holds reference outputs. */
  public static boolean applies(Path dir) {
    return Files.isRegularFile(dir.resolve("reference.safetensors"));
  }

  /** Runs every comparison the reference file supports, on the CPU. */
  public static ParityReport verify(Path dir) {
    return verify(dir, Device.cpu());
  }

  /** Runs every comparison the reference file supports, with the model on {@code device}. */
  public static ParityReport verify(Path dir, Device device) {
    List<Comparison> out = new ArrayList<>();
    try (SafetensorsFile ref = SafetensorsFile.open(dir.resolve("reference.safetensors"))) {
      try (BackboneModel model = BackboneModel.load(dir, device, Precision.FP32)) {
        for (String side : List.of("right", "left")) {
          if (ref.contains(side + ".input_ids")) {
            compare(model, ref, side, "hidden_states", "", out, TOLERANCE, true);
          }
        }
      }
      if (ref.contains("right.hidden_states_bf16")) {
        try (BackboneModel model = BackboneModel.load(dir, device, Precision.BF16)) {
          compare(model, ref, "right", "hidden_states_bf16", "", out, BF16_TOLERANCE, false);
        }
      }
      try (BackboneModel model = BackboneModel.load(dir, device, Precision.FP16)) {
        compare(model, ref, "right", "hidden_states", "fp16", out, FP16_TOLERANCE, false);
      }
    }
    return new ParityReport(dir.toString(), out);
  }

  private static void compare(
      BackboneModel model,
      SafetensorsFile ref,
      String side,
      String expected,
      String suffix,
      List<Comparison> out,
      double tolerance,
      boolean gating) {
    long[] shape = ref.info(side + ".input_ids").shape();
    long[] ids = ref.longs(side + ".input_ids");
    long[] mask = ref.longs(side + ".attention_mask");
    try (NDManager scope = model.manager().newSubManager()) {
      NDArray idArray = scope.create(ids, new Shape(shape));
      NDArray maskArray = scope.create(mask, new Shape(shape));
      NDArray hidden = model.backbone().hiddenStates(null, idArray, maskArray, false);
      int width = model.config().hiddenSize();
      float[] ours = hidden.toType(DataType.FLOAT32, false).toFloatArray();
      String label = side + "." + expected + (suffix.isEmpty() ? "" : "_" + suffix);
      out.add(
          new Comparison(
              label,
              Differences.maxAbsOverTokens(ours, ref.floats(side + "." + expected), mask, width),
              tolerance,
              gating));
      if (model.backbone() instanceof DecoderBackbone decoder
          && ref.contains(side + ".logits")
          && gating) {
        float[] logits =
            decoder.logits(null, hidden, false).toType(DataType.FLOAT32, false).toFloatArray();
        out.add(
            new Comparison(
                side + ".logits",
                Differences.maxAbsOverTokens(
                    logits, ref.floats(side + ".logits"), mask, model.config().vocabSize()),
                tolerance,
                true));
      }
    }
  }
}
