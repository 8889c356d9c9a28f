package dev.d2llm.cli;

import dev.d2llm.job.StepKind;
import dev.d2llm.job.StepOption;
import jakarta.inject.Inject;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code d2llm job steps}: the step kinds a spec may use, with their options. */
@Command(
    name = "steps",
    mixinStandardHelpOptions = true,
    description =
        "Lists the step kinds a job spec may use (run:), the command each runs, and its options (with:);"
            + " '*' marks a required option, and the role says what the job does with a place.")
public class JobStepsCommand implements Callable<Integer> {

  @Inject CommandLine commandLine;

  @Override
  public Integer call() {
    for (StepKind kind : new JobSteps(commandLine).kinds()) {
      System.out.printf(
          "%s: d2llm %s%s%n",
          kind.name(),
          String.join(" ", kind.command()),
          kind.takesDevice() ? " (gets the job's device)" : "");
      for (StepOption o : kind.options()) {
        String what =
            o.role() == StepOption.Role.VALUE
                ? o.type().name().toLowerCase(java.util.Locale.ROOT)
                    + (o.choices().isEmpty() ? "" : " " + o.choices())
                : o.role().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        System.out.printf(
            "    %s%s: %s%s%n",
            o.name(), o.required() ? "*" : "", what, o.repeatable() ? ", a list" : "");
      }
    }
    return 0;
  }
}
