package dev.d2llm.job;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A kind of step a job can run ({@code mine}, {@code distill}...): the command that runs it, the
 * options it accepts, and the files it leaves that belong in the job's report.
 *
 * @param name the value of {@code run:} in a spec
 * @param command the command words, e.g. {@code [teacher, train]}
 * @param options every option it accepts
 * @param takesDevice whether it computes on a device, so the job's {@code device} is passed to it
 * @param reportFiles files inside its {@link StepOption.Role#OUTPUT_DIR} output copied into the
 *     report (such as {@code loss.png}), when they exist
 */
public record StepKind(
    String name,
    List<String> command,
    List<StepOption> options,
    boolean takesDevice,
    List<String> reportFiles) {

  public StepKind {
    Objects.requireNonNull(name, "name");
    command = List.copyOf(command);
    options = List.copyOf(options);
    reportFiles = List.copyOf(reportFiles);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("step kind '" + name + "' needs a command");
    }
  }

  /** The option named {@code optionName}, if this kind has one. */
  public Optional<StepOption> option(String optionName) {
    return options.stream().filter(o -> o.name().equals(optionName)).findFirst();
  }
}
