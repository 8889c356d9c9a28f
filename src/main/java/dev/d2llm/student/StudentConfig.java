package dev.d2llm.student;

import dev.d2llm.lora.LoraConfig;

/**
 * What a student is made of: its base model directory (relative paths resolve against the
 * student's own directory), the LoRA adapters (null once merged), PMA heads and IEM width.
 */
public record StudentConfig(String baseModel, LoraConfig lora, int pmaHeads, int iemHidden) {

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
  }

  /** The same student with its adapters folded into the base weights stored at {@code mergedBase}. */
  public StudentConfig merged(String mergedBase) {
    return new StudentConfig(mergedBase, null, pmaHeads, iemHidden);
  }
}
