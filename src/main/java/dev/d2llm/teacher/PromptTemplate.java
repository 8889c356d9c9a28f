package dev.d2llm.teacher;

/**
 * A yes/no question about a pair for an LLM teacher: the text with {@code {query}} and {@code
 * {passage}} placeholders, and the answer words whose next-token logits are compared.
 */
public record PromptTemplate(String template, String yes, String no) {

  public PromptTemplate {
    if (template == null || !template.contains("{query}") || !template.contains("{passage}")) {
      throw new IllegalArgumentException(
          "a prompt template needs {query} and {passage}, found: " + template);
    }
    if (yes == null || yes.isEmpty() || no == null || no.isEmpty() || yes.equals(no)) {
      throw new IllegalArgumentException(
          "a prompt template needs two different answer words, found '"
              + yes
              + "' and '"
              + no
              + "'");
    }
  }

  /** The prompt for one pair. */
  public String render(TextPair pair) {
    // Replace the passage first so that a query containing "{passage}" stays as written.
    int q = template.indexOf("{query}");
    int p = template.indexOf("{passage}");
    StringBuilder out = new StringBuilder(template);
    if (p > q) {
      out.replace(p, p + "{passage}".length(), pair.passage())
          .replace(q, q + "{query}".length(), pair.query());
    } else {
      out.replace(q, q + "{query}".length(), pair.query())
          .replace(p, p + "{passage}".length(), pair.passage());
    }
    return out.toString();
  }
}
