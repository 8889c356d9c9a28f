package dev.d2llm.cli;

import picocli.CommandLine.Command;

/** {@code d2llm job}: run and check declared sequences of pipeline steps. */
@Command(
    name = "job",
    mixinStandardHelpOptions = true,
    description =
        "Runs a job spec (YAML: name, output, device, vars, steps) step by step, with inputs and outputs"
            + " as local paths or s3:// URIs, resuming at the first unfinished step after a crash.",
    subcommands = {JobRunCommand.class, JobValidateCommand.class, JobStepsCommand.class})
public class JobCommand {}
