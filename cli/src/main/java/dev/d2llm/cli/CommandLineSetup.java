package dev.d2llm.cli;

import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import picocli.CommandLine;

/** Parser conventions for every command: enum values in any case (e.g. {@code --pooling cls}). */
@ApplicationScoped
class CommandLineSetup {

  @Produces
  CommandLine commandLine(PicocliCommandLineFactory factory) {
    return factory.create().setCaseInsensitiveEnumValuesAllowed(true);
  }
}
