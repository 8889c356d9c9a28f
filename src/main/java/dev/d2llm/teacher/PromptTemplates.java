package dev.d2llm.teacher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.d2llm.student.Branch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The symmetric and asymmetric prompts of one language. English and Chinese are built in (our own
 * wording); others come from a JSON file {@code {"symmetric": {"template", "yes", "no"},
 * "asymmetric": {...}}}.
 */
public record PromptTemplates(PromptTemplate symmetric, PromptTemplate asymmetric) {

  /** English: does B mean the same as / follow from A; can the passage answer the question. */
  public static final PromptTemplates ENGLISH =
      new PromptTemplates(
          new PromptTemplate(
              "Sentence A: {query}\nSentence B: {passage}\n"
                  + "Does sentence B mean the same as sentence A, or follow from it? Answer yes or no.\nAnswer:",
              " yes",
              " no"),
          new PromptTemplate(
              "Question: {query}\nPassage: {passage}\n"
                  + "Can the passage answer the question? Answer yes or no.\nAnswer:",
              " yes",
              " no"));

  /** Chinese, answered 是/否 and 能/不能. */
  public static final PromptTemplates CHINESE =
      new PromptTemplates(
          new PromptTemplate(
              "句子A：{query}\n句子B：{passage}\n句子B与句子A意思相同，或能从句子A推出吗？请回答是或否。\n回答：", "是", "否"),
          new PromptTemplate("问题：{query}\n段落：{passage}\n这个段落能回答这个问题吗？请回答能或不能。\n回答：", "能", "不能"));

  /** The template for a branch. */
  public PromptTemplate forBranch(Branch branch) {
    return branch == Branch.SYMMETRIC ? symmetric : asymmetric;
  }

  /** {@code en}, {@code zh}, or a path to a JSON file of custom templates. */
  public static PromptTemplates named(String nameOrFile) {
    return switch (nameOrFile.toLowerCase(Locale.ROOT)) {
      case "en", "english" -> ENGLISH;
      case "zh", "chinese" -> CHINESE;
      default -> read(Path.of(nameOrFile));
    };
  }

  /** Reads custom templates, failing with the file and the missing field. */
  public static PromptTemplates read(Path file) {
    try {
      JsonNode j = new ObjectMapper().readTree(file.toFile());
      return new PromptTemplates(template(j, "symmetric", file), template(j, "asymmetric", file));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read prompt templates from " + file + " (expected 'en', 'zh' or a JSON file)", e);
    }
  }

  private static PromptTemplate template(JsonNode root, String key, Path file) {
    JsonNode t = root.path(key);
    for (String field : new String[] {"template", "yes", "no"}) {
      if (!t.path(field).isTextual()) {
        throw new IllegalArgumentException(file + ": expected a string at " + key + "." + field);
      }
    }
    return new PromptTemplate(
        t.get("template").asText(), t.get("yes").asText(), t.get("no").asText());
  }
}
