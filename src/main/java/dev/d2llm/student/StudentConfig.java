package dev.d2llm.student;

import dev.d2llm.embedding.EncoderSettings;
import dev.d2llm.lora.LoraConfig;

/**
 * What a student is made of: its base model directory (relative paths resolve against the student's
 * own directory), the LoRA adapters (null once merged), PMA heads, IEM width and kind, and for a
 * {@linkplain IemKind#RESIDUAL residual} student the base model's native encoding (pooling and
 * per-role prefixes) that its cosine term reproduces.
 */
public record StudentConfig(
    String baseModel,
    LoraConfig lora,
    int pmaHeads,
    int iemHidden,
    IemKind iem,
    EncoderSettings nativeEncoding) {

  public StudentConfig {
    if (baseModel == null || baseModel.isBlank()) {
      throw new IllegalArgumentException("a student needs a base model directory");
    }
    if (pmaHeads < 1) {
      throw new IllegalArgumentException("PMA heads must be >= 1, found " + pmaHeads);
    }
    if (iemHidden < 1) {
      throw new IllegalArgumentException("IEM hidden width must be >= 1, found " + iemHidden);
    }
    if (iem == null) {
      throw new IllegalArgumentException("a student needs an IEM kind (paper or residual)");
    }
    if (iem == IemKind.RESIDUAL && nativeEncoding == null) {
      throw new IllegalArgumentException(
          "a residual student needs its base model's native encoding (pooling, prefixes)");
    }
    if (iem == IemKind.PAPER) {
      nativeEncoding = null;
    }
  }

  /** A student with the paper's IEM. */
  public StudentConfig(String baseModel, LoraConfig lora, int pmaHeads, int iemHidden) {
    this(baseModel, lora, pmaHeads, iemHidden, IemKind.PAPER, null);
  }

  /** A residual student whose cosine term uses {@code nativeEncoding}. */
  public static StudentConfig residual(
      String baseModel,
      LoraConfig lora,
      int pmaHeads,
      int iemHidden,
      EncoderSettings nativeEncoding) {
    return new StudentConfig(
        baseModel, lora, pmaHeads, iemHidden, IemKind.RESIDUAL, nativeEncoding);
  }

  /**
   * The same student with its adapters folded into the base weights stored at {@code mergedBase}.
   */
  public StudentConfig merged(String mergedBase) {
    return new StudentConfig(mergedBase, null, pmaHeads, iemHidden, iem, nativeEncoding);
  }
}
