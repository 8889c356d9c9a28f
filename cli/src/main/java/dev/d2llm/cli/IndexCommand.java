package dev.d2llm.cli;

import picocli.CommandLine.Command;

/** {@code d2llm index}: build and inspect search indexes in object storage. */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    description =
        "Builds and inspects search indexes in an object store (file:///dir/ or s3://bucket/prefix/).",
    subcommands = {IndexBuildCommand.class, IndexInfoCommand.class, IndexCopyCommand.class})
public class IndexCommand {}
