package dev.d2llm.cli;

import picocli.CommandLine.Command;

/** {@code d2llm bench}: benchmarks against real peers, reported as ratios of medians. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks against real peers.",
    subcommands = {
      BenchEmbedCommand.class,
      BenchCorpusCommand.class,
      BenchSearchCommand.class,
      BenchRecallCommand.class,
      BenchEncodeCommand.class,
      BenchGpuCommand.class,
      BenchTeacherCommand.class,
      BenchTrainCommand.class
    })
public class BenchCommand {}
