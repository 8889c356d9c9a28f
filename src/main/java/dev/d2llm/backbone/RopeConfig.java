package dev.d2llm.backbone;

import com.fasterxml.jackson.databind.JsonNode;
import dev.d2llm.checkpoint.CheckpointException;

/**
 * Rotary position embedding parameters: base {@code theta} and an optional frequency scaling. Reads
 * both the transformers 4 keys ({@code rope_theta}, {@code rope_scaling}) and the transformers 5
 * {@code rope_parameters} object.
 */
public record RopeConfig(
    double theta,
    Scaling scaling,
    double factor,
    double lowFreqFactor,
    double highFreqFactor,
    int originalMaxPositions) {

  /** Frequency scaling schemes. */
  public enum Scaling {
    /** Plain RoPE. */
    NONE,
    /** Llama 3.1's wavelength-dependent interpolation. */
    LLAMA3
  }

  /** Plain RoPE with base theta. */
  public static RopeConfig plain(double theta) {
    return new RopeConfig(theta, Scaling.NONE, 1, 1, 1, 0);
  }

  /**
   * Inverse frequencies for {@code headDim}, one per pair of channels, computed in double and
   * rounded once, so they match the reference's float32 values to the last bit or two.
   */
  public float[] inverseFrequencies(int headDim) {
    int half = headDim / 2;
    float[] inv = new float[half];
    for (int i = 0; i < half; i++) {
      float base = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
      inv[i] = scaling == Scaling.LLAMA3 ? llama3(base) : base;
    }
    return inv;
  }

  private float llama3(float invFreq) {
    double lowFreqWavelen = originalMaxPositions / lowFreqFactor;
    double highFreqWavelen = originalMaxPositions / highFreqFactor;
    double wavelen = 2 * Math.PI / invFreq;
    if (wavelen < highFreqWavelen) {
      return invFreq;
    }
    if (wavelen > lowFreqWavelen) {
      return (float) (invFreq / factor);
    }
    double smooth =
        (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
    return (float) ((1 - smooth) * invFreq / factor + smooth * invFreq);
  }

  static RopeConfig from(ConfigJson j) {
    JsonNode params = j.root().get("rope_parameters");
    JsonNode scalingNode = j.root().get("rope_scaling");
    double theta = j.doubleOr("rope_theta", 10000.0);
    JsonNode s = null;
    if (params != null && !params.isNull()) {
      theta = params.path("rope_theta").asDouble(theta);
      s = params;
    } else if (scalingNode != null && !scalingNode.isNull()) {
      s = scalingNode;
    }
    if (s == null) {
      return plain(theta);
    }
    String type =
        s.hasNonNull("rope_type") ? s.get("rope_type").asText() : s.path("type").asText("default");
    return switch (type) {
      case "default", "" -> plain(theta);
      case "llama3" ->
          new RopeConfig(
              theta,
              Scaling.LLAMA3,
              s.path("factor").asDouble(8.0),
              s.path("low_freq_factor").asDouble(1.0),
              s.path("high_freq_factor").asDouble(4.0),
              s.path("original_max_position_embeddings").asInt(8192));
      default ->
          throw new CheckpointException(
              j.source()
                  + ": rope type '"
                  + type
                  + "' is not supported; expected 'default' or 'llama3'");
    };
  }
}
