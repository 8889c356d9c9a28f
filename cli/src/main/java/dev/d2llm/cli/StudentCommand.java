package dev.d2llm.cli;

import picocli.CommandLine.Command;

/** {@code d2llm student}: create and inspect D2LLM students. */
@Command(
    name = "student",
    mixinStandardHelpOptions = true,
    description = "Create D2LLM students.",
    subcommands = {StudentInitCommand.class})
public class StudentCommand {}
