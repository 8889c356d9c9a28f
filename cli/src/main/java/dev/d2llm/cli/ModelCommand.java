package dev.d2llm.cli;

import picocli.CommandLine.Command;

/**
 * {@code d2llm model}: get checkpoints into Hub form and prove they compute what the reference
 * computes.
 */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Pull, import and verify models.",
    subcommands = {ModelPullCommand.class, ModelImportOnnxCommand.class, ModelVerifyCommand.class})
public class ModelCommand {}
