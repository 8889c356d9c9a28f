package dev.d2llm.cli;

import dev.d2llm.job.JobPlan;
import dev.d2llm.job.JobPlanner;
import dev.d2llm.job.Places;
import jakarta.inject.Inject;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code d2llm job validate}: every problem in a job spec, before any work. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description =
        "Checks a job spec without running it: its YAML, step kinds, options and their types, variables,"
            + " locations, that every input exists or comes from an earlier step, and that no two steps write one place."
            + " Prints every problem with its line, or the steps it would run.")
public class JobValidateCommand implements Callable<Integer> {

  @Parameters(
      paramLabel = "SPEC",
      description = "the job spec: a local YAML file or s3://bucket/key")
  String spec;

  @Inject CommandLine commandLine;

  @Override
  public Integer call() {
    try (Places places = new Places(null)) {
      JobPlan plan = JobPlanner.load(spec, new JobSteps(commandLine), places, null);
      for (JobPlan.Step step : plan.steps()) {
        System.out.printf("%d. %s (%s)%n", step.number(), step.name(), step.kind().name());
      }
      System.out.println(
          "job="
              + plan.name()
              + " steps="
              + plan.steps().size()
              + " output="
              + plan.output()
              + " valid=true");
    }
    return 0;
  }
}
