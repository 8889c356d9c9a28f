package dev.d2llm.cli;

import dev.d2llm.job.JobPlan;
import dev.d2llm.job.JobPlanner;
import dev.d2llm.job.JobRunner;
import dev.d2llm.job.Places;
import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code d2llm job run}: a job spec's steps in order, resumable. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a job spec's steps in this process, one after another. Remote inputs are downloaded into --work first,"
          + " outputs uploaded after; each step's output goes to OUTPUT/logs/STEP.log. After every finished step the"
          + " state is saved to OUTPUT/job-state.json, so running the same spec again (after a crash, a kill or a"
          + " spot interruption) skips the steps already done and resumes at the first unfinished one;"
          + " a step whose options changed runs again with every step after it.",
      "At the end OUTPUT/report/report.json holds each step's status, time and figures, with the loss plots."
    })
public class JobRunCommand implements Callable<Integer> {

  @Parameters(
      paramLabel = "SPEC",
      description = "the job spec: a local YAML file or s3://bucket/key")
  String spec;

  @Option(
      names = "--device",
      description = "cpu, gpu or gpuN for every step that computes (default: the spec's, else cpu)")
  String device;

  @Option(
      names = "--work",
      description =
          "local directory for staged copies and logs" + " (default: ~/.cache/d2llm/jobs/JOB-NAME)")
  Path work;

  @Inject CommandLine commandLine;

  @Inject PicocliCommandLineFactory factory;

  @Override
  public Integer call() {
    try (Places places = new Places(null)) {
      JobPlan plan = JobPlanner.load(spec, new JobSteps(commandLine), places, device);
      Path workDir =
          work != null
              ? work
              : Path.of(System.getProperty("user.home"), ".cache", "d2llm", "jobs", plan.name());
      // Each step gets a fresh command line, so no option value of one step leaks into the next.
      JobRunner runner =
          new JobRunner(
              places,
              step ->
                  CommandLineSetup.configure(factory.create()).execute(step.toArray(String[]::new)),
              workDir,
              System.out);
      runner.run(plan);
    }
    return 0;
  }
}
