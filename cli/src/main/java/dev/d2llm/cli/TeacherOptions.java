package dev.d2llm.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which teacher judges the pairs, and where its judgements are kept. */
public class TeacherOptions {

  @Option(names = "--teacher", required = true, description = "teacher directory (BERT cross-encoder or decoder LLM)")
  Path teacher;

  @Option(names = "--prompts", description = "en, zh or a JSON file of templates, for LLM teachers (default: ${DEFAULT-VALUE})")
  String prompts = "en";

  @Option(names = "--cache", required = true, description = "teacher cache file")
  Path cache;
}
