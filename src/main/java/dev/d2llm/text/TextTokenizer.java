package dev.d2llm.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.d2llm.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer (through DJL's bindings of the Rust library) that
 * truncates to a maximum length and leaves padding to {@link TokenBatch}.
 */
public final class TextTokenizer implements AutoCloseable {

  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;
  private final long padId;

  private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength, long padId) {
    this.tokenizer = tokenizer;
    this.maxLength = maxLength;
    this.padId = padId;
  }

  /**
   * Opens {@code dir/tokenizer.json}. {@code addSpecialTokens} adds what the tokenizer's
   * post-processor declares ({@code [CLS] .. [SEP]} for BERT).
   */
  public static TextTokenizer open(Path dir, int maxLength, boolean addSpecialTokens) {
    Path file = Files.isDirectory(dir) ? dir.resolve("tokenizer.json") : dir;
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException("no tokenizer.json at " + file);
    }
    try {
      HuggingFaceTokenizer t =
          HuggingFaceTokenizer.newInstance(
              file,
              Map.of(
                  "addSpecialTokens",
                  Boolean.toString(addSpecialTokens),
                  "truncation",
                  "true",
                  "padding",
                  "false",
                  "maxLength",
                  Integer.toString(maxLength)));
      return new TextTokenizer(t, maxLength, padIdOf(t));
    } catch (IOException | RuntimeException e) {
      throw new CheckpointException("cannot load tokenizer " + file + ": " + e.getMessage(), e);
    }
  }

  private static long padIdOf(HuggingFaceTokenizer t) {
    for (String candidate : List.of("[PAD]", "<pad>", "<|endoftext|>", "<|end_of_text|>", "</s>")) {
      long[] ids = t.encode(candidate, false, false).getIds();
      if (ids.length == 1) {
        return ids[0];
      }
    }
    return 0;
  }

  /** Token ids of one text, truncated to the maximum length. */
  public long[] encode(String text) {
    Encoding e = tokenizer.encode(text);
    return e.getIds();
  }

  /** Token ids of a text without the special tokens the post-processor would add, untruncated. */
  public long[] encodeWithoutSpecialTokens(String text) {
    return tokenizer.encode(text, false, false).getIds();
  }

  /**
   * A pair as one sequence ({@code [CLS] a [SEP] b [SEP]} for BERT) with its token types, truncated
   * to the maximum length longest-first.
   */
  public TokenPair encodePair(String first, String second) {
    Encoding e = tokenizer.encode(first, second);
    return new TokenPair(e.getIds(), e.getTypeIds());
  }

  /** Token ids of several texts, each truncated. */
  public List<long[]> encodeAll(List<String> texts) {
    List<long[]> out = new ArrayList<>(texts.size());
    for (Encoding e : tokenizer.batchEncode(texts)) {
      out.add(e.getIds());
    }
    return out;
  }

  /** The id used for padding. */
  public long padId() {
    return padId;
  }

  public int maxLength() {
    return maxLength;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
