package dev.d2llm.text;

/** Which end of a sequence padding goes to. Decoders are often fed left-padded batches. */
public enum PaddingSide {
  LEFT,
  RIGHT
}
