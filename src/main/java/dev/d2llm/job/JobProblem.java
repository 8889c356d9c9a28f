package dev.d2llm.job;

/**
 * One thing wrong with a job spec, located well enough to fix it: the spec, the line (0 when the
 * problem has none) and the field path such as {@code steps[2] 'distill' with.epochs}.
 */
public record JobProblem(String source, int line, String where, String message) {

  @Override
  public String toString() {
    String at = line > 0 ? source + ":" + line : source;
    return where.isEmpty() ? at + ": " + message : at + ": " + where + ": " + message;
  }
}
