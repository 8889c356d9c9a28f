package dev.d2llm.cli;

import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import picocli.CommandLine;

/**
 * Conventions for every command: enum values in any case (e.g. {@code --pooling cls}), and errors
 * about the user's input (bad files, values, models) as one line on stderr with exit code 1; a
 * stack trace only for what is a bug.
 */
@ApplicationScoped
class CommandLineSetup {

  @Produces
  CommandLine commandLine(PicocliCommandLineFactory factory) {
    return configure(factory.create());
  }

  /**
   * {@code commandLine} with the conventions above; a job uses it for each step it runs in this
   * process.
   */
  static CommandLine configure(CommandLine commandLine) {
    return commandLine
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              if (e instanceof IllegalArgumentException
                  || e instanceof IllegalStateException
                  || e instanceof dev.d2llm.job.InvalidJobException
                  || e instanceof dev.d2llm.job.JobFailedException
                  || e instanceof dev.d2llm.checkpoint.CheckpointException
                  || e instanceof dev.d2llm.data.DataFormatException
                  || e instanceof java.io.UncheckedIOException
                  || e instanceof java.io.IOException
                  || e instanceof dev.d2llm.store.ObjectNotFoundException
                  || e instanceof software.amazon.awssdk.core.exception.SdkException) {
                cmd.getErr().println("d2llm " + cmd.getCommandName() + ": " + e.getMessage());
                return 1;
              }
              throw e;
            });
  }
}
