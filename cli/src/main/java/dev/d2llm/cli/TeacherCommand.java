package dev.d2llm.cli;

import picocli.CommandLine.Command;

/** {@code d2llm teacher}: train a cross-encoder teacher and score the pairs distillation needs. */
@Command(
    name = "teacher",
    mixinStandardHelpOptions = true,
    description = "Train and run teachers.",
    subcommands = {TeacherTrainCommand.class, TeacherScoreCommand.class})
public class TeacherCommand {}
