package dev.d2llm.index;

import java.util.Locale;

/** What one shard file of an index holds, for a contiguous range of rows. */
public enum ShardKind {
  /** Unit-length passage vectors, in the manifest's vector encoding. */
  VECTORS,
  /** One fp32 scale per row of int8 vectors. */
  VECTOR_SCALES,
  /** The IEM's passage share of its first layer, {@code W1p e_p + b1}, per row. */
  PROJECTION,
  /** One fp32 scale per row of int8 projections. */
  PROJECTION_SCALES,
  /** Passage ids, one UTF-8 line per row. */
  IDS,
  /** Passage texts, one JSON string per line per row. */
  TEXTS;

  /** The manifest's spelling, e.g. {@code vector_scales}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a manifest's spelling. */
  public static ShardKind parse(String s) {
    for (ShardKind k : values()) {
      if (k.label().equals(s)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown shard kind '" + s + "'");
  }
}
