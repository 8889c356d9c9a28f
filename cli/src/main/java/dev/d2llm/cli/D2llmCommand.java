package dev.d2llm.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

/** The {@code d2llm} command: model tools, pipeline jobs and benchmarks over the shared core. */
@TopCommand
@Command(
    name = "d2llm",
    mixinStandardHelpOptions = true,
    version = "d2llm 0.1.0",
    description = "D2LLM semantic search: decompose, distil, index and serve.",
    subcommands = {
      ModelCommand.class,
      EmbedCommand.class,
      MineCommand.class,
      TeacherCommand.class,
      StudentCommand.class,
      DistillCommand.class,
      EvalCommand.class,
      ExportCommand.class,
      IndexCommand.class,
      SearchCommand.class,
      JobCommand.class,
      BenchCommand.class
    })
public class D2llmCommand {}
