package dev.d2llm.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Token id sequences padded to one length, with the mask that tells tokens (1) from padding (0).
 */
public record TokenBatch(long[] ids, long[] mask, int size, int length) {

  public TokenBatch {
    if (ids.length != (long) size * length || mask.length != ids.length) {
      throw new IllegalArgumentException(
          "batch of "
              + size
              + "x"
              + length
              + " needs "
              + (size * length)
              + " ids and mask values, found "
              + ids.length
              + " and "
              + mask.length);
    }
  }

  /** Pads {@code sequences} with {@code padId} on {@code side} to the longest one's length. */
  public static TokenBatch pad(List<long[]> sequences, long padId, PaddingSide side) {
    int length = sequences.stream().mapToInt(s -> s.length).max().orElse(0);
    int size = sequences.size();
    long[] ids = new long[size * length];
    long[] mask = new long[size * length];
    for (int i = 0; i < size; i++) {
      long[] s = sequences.get(i);
      int offset = side == PaddingSide.LEFT ? length - s.length : 0;
      for (int j = 0; j < length; j++) {
        int k = j - offset;
        boolean real = k >= 0 && k < s.length;
        ids[i * length + j] = real ? s[k] : padId;
        mask[i * length + j] = real ? 1 : 0;
      }
    }
    return new TokenBatch(ids, mask, size, length);
  }

  /** Pads pairs and their token types (padding gets type 0) on the right. */
  public static TypedTokenBatch padPairs(List<TokenPair> pairs, long padId) {
    TokenBatch tokens = pad(pairs.stream().map(TokenPair::ids).toList(), padId, PaddingSide.RIGHT);
    long[] types = new long[tokens.ids().length];
    for (int i = 0; i < pairs.size(); i++) {
      long[] t = pairs.get(i).typeIds();
      System.arraycopy(t, 0, types, i * tokens.length(), t.length);
    }
    return new TypedTokenBatch(tokens, types);
  }

  /** The ids as an int64 [size, length] array in {@code manager}. */
  public NDArray idsArray(NDManager manager) {
    return manager.create(ids, new Shape(size, length));
  }

  /** The mask as an int64 [size, length] array in {@code manager}. */
  public NDArray maskArray(NDManager manager) {
    return manager.create(mask, new Shape(size, length));
  }

  /** Number of real (non-padding) tokens. */
  public long tokenCount() {
    long n = 0;
    for (long m : mask) {
      n += m;
    }
    return n;
  }
}
