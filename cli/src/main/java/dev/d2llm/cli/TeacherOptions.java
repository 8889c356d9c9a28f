package dev.d2llm.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which teacher judges the pairs, and where its judgements are kept. */
public class TeacherOptions {

  @Option(
      names = "--teacher",
      description = "teacher directory (BERT cross-encoder or decoder LLM); required")
  Path teacher;

  @Option(
      names = "--prompts",
      description =
          "en, zh or a JSON file of templates, for LLM teachers (default: ${DEFAULT-VALUE})")
  String prompts = "en";

  @Option(names = "--cache", description = "teacher cache file; required")
  Path cache;

  /**
   * Fails as picocli fails on a missing option when no teacher or cache is given: required, except
   * for a run that reads no teacher ({@code distill --bi-encoder}).
   */
  void require(picocli.CommandLine.Model.CommandSpec spec) {
    java.util.List<String> missing = new java.util.ArrayList<>();
    if (teacher == null) {
      missing.add("'--teacher=<teacher>'");
    }
    if (cache == null) {
      missing.add("'--cache=<cache>'");
    }
    if (!missing.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "Missing required option"
              + (missing.size() > 1 ? "s: " : ": ")
              + String.join(", ", missing));
    }
  }
}
