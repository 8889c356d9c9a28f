package dev.d2llm.job;

import dev.d2llm.store.ObjectNotFoundException;
import dev.d2llm.store.ObjectStore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link JobPlan} step by step. Remote inputs are downloaded into a local work directory
 * first and outputs uploaded after, each step's output goes to its own log, and the state is
 * recorded after every finished step, so that a re-run after a crash or a spot interruption skips
 * the leading steps already done (same fingerprint, outputs still there) and resumes at the first
 * unfinished one. At the end, and when a step fails, a report (metrics JSON and the steps' plots)
 * goes to the job's output location.
 */
public final class JobRunner {

  private final Places places;
  private final StepExecutor executor;
  private final Path work;
  private final PrintStream console;

  /** Remote places whose staged copies this run wrote and uploaded. */
  private final Set<Location> uploadedThisRun = new HashSet<>();

  /**
   * @param places how inputs and outputs are reached
   * @param executor what runs a step's command line
   * @param work the local directory for staged copies and logs; a re-run on the same machine with
   *     the same one lets a step such as distill resume from its own checkpoint
   * @param console where progress lines go
   */
  public JobRunner(Places places, StepExecutor executor, Path work, PrintStream console) {
    this.places = places;
    this.executor = executor;
    this.work = work.toAbsolutePath();
    this.console = console;
  }

  /**
   * Runs {@code plan} from its first unfinished step.
   *
   * @return the report written to the output location
   * @throws JobFailedException when a step fails; the state keeps the steps before it
   */
  public JobReport run(JobPlan plan) {
    uploadedThisRun.clear();
    ObjectStore out = places.storeAt(plan.output());
    JobState state = readState(out, plan.name());
    JobReport report = new JobReport(plan, Instant.now());
    boolean resuming = true;
    for (JobPlan.Step step : plan.steps()) {
      String fingerprint = fingerprint(plan, step);
      var done = state.finished(step.name(), fingerprint);
      if (resuming && done.isPresent() && step.outputs().stream().allMatch(places::exists)) {
        say(plan, step, "done in an earlier run, skipped");
        report.resumed(step, done.get());
        continue;
      }
      if (resuming) {
        // From here on every step runs: records of this step and the later ones describe outputs
        // made
        // from inputs that are about to change, so none of them may be trusted by a later re-run.
        state =
            state.withoutFrom(
                plan.steps().stream().skip(step.number() - 1).map(JobPlan.Step::name).toList());
        out.putBytes(JobState.KEY, state.toJson());
        resuming = false;
      }
      say(plan, step, "running: d2llm " + String.join(" ", step.kind().command()));
      Instant started = Instant.now();
      Path log = work.resolve("logs").resolve(step.name() + ".log");
      Result result;
      try {
        forgetStaleStagedOutputs(step, fingerprint);
        result = execute(plan, step, log);
      } catch (RuntimeException e) {
        result = new Result(-1, "", e);
      }
      double seconds = Duration.between(started, Instant.now()).toMillis() / 1000.0;
      uploadLog(out, step, log);
      if (result.status != 0) {
        String why =
            result.error != null ? result.error.toString() : "exit status " + result.status;
        say(
            plan,
            step,
            "FAILED after "
                + seconds(seconds)
                + ": "
                + why
                + " (log: "
                + out.uri("logs/" + step.name() + ".log")
                + ")");
        report.failed(step, seconds, why);
        report.write(out, Instant.now());
        throw new JobFailedException(
            "job '"
                + plan.name()
                + "' failed at step '"
                + step.name()
                + "': "
                + why
                + "; run it again to resume there",
            result.error);
      }
      Map<String, Object> metrics = Metrics.parse(result.lastLine);
      JobState.FinishedStep finished =
          new JobState.FinishedStep(
              step.name(),
              step.kind().name(),
              fingerprint,
              Instant.now().toString(),
              seconds,
              metrics);
      state = state.with(finished);
      out.putBytes(JobState.KEY, state.toJson());
      finishedStarting(step);
      report.ran(step, finished, copyReportFiles(out, step));
      say(
          plan,
          step,
          "done in " + seconds(seconds) + (metrics.isEmpty() ? "" : ": " + result.lastLine));
    }
    report.write(out, Instant.now());
    console.println("job " + plan.name() + ": finished; report at " + out.uri(JobReport.KEY));
    return report;
  }

  private Result execute(JobPlan plan, JobPlan.Step step, Path log) {
    List<String> commandLine = new ArrayList<>(step.kind().command());
    List<String> positional = new ArrayList<>();
    List<Runnable> uploads = new ArrayList<>();
    List<Runnable> cacheUploads = new ArrayList<>();
    for (JobPlan.Argument argument : step.arguments()) {
      StepOption option = argument.option();
      List<String> values = new ArrayList<>();
      for (int i = 0; i < argument.values().size(); i++) {
        Location place = placeOf(argument, i);
        values.add(
            place == null
                ? argument.values().get(i)
                : stage(
                    option,
                    place,
                    option.role() == StepOption.Role.CACHE ? cacheUploads : uploads));
      }
      if (option.positional() >= 0) {
        positional.addAll(values);
      } else if (option.type() == StepOption.Type.FLAG) {
        if (values.get(0).equals("true")) {
          commandLine.add("--" + option.name());
        }
      } else {
        for (String value : values) {
          commandLine.add("--" + option.name());
          commandLine.add(value);
        }
      }
    }
    if (step.kind().takesDevice()) {
      commandLine.add("--device");
      commandLine.add(plan.device());
    }
    commandLine.addAll(positional);
    int status;
    String lastLine;
    try (OutputTee tee = new OutputTee(log)) {
      System.out.println("$ d2llm " + String.join(" ", commandLine));
      status = executor.execute(commandLine);
      lastLine = tee.lastLine();
    }
    // A cache is uploaded even after a failure: what a failed step scored is kept for the next
    // attempt.
    cacheUploads.forEach(Runnable::run);
    if (status == 0) {
      uploads.forEach(Runnable::run);
    }
    return new Result(status, lastLine, null);
  }

  /**
   * Removes the staged copies of this step's remote outputs when they were left by a run of the
   * step with other options: a staged directory from an interrupted run with the same options is
   * kept, so that distill resumes from its own checkpoint, but a changed step starts clean.
   */
  private void forgetStaleStagedOutputs(JobPlan.Step step, String fingerprint) {
    Path marker = work.resolve("started").resolve(step.name());
    try {
      String previous = Files.isRegularFile(marker) ? Files.readString(marker).strip() : null;
      if (!fingerprint.equals(previous)) {
        for (JobPlan.Argument a : step.arguments()) {
          if (a.option().role() == StepOption.Role.OUTPUT_DIR
              || a.option().role() == StepOption.Role.OUTPUT_FILE) {
            a.locations().stream()
                .map(place -> place.remote() ? staged(place) : place.path())
                .filter(Files::exists)
                .forEach(this::deleteOutput);
          }
        }
      }
      Files.createDirectories(marker.getParent());
      Files.writeString(marker, fingerprint);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot record the start of step " + step.name() + " in " + marker, e);
    }
  }

  private Path staged(Location place) {
    Path root = work.resolve("stage").resolve(place.bucket()).normalize();
    Path path = root.resolve(place.key().isEmpty() ? "_" : place.key()).normalize();
    if (!path.startsWith(root)) {
      throw new IllegalArgumentException(place + " would be staged outside " + root);
    }
    return path;
  }

  /**
   * The step is done: a later run of it with the same options starts clean rather than resuming.
   */
  private void finishedStarting(JobPlan.Step step) {
    try {
      Files.deleteIfExists(work.resolve("started").resolve(step.name()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Removes a step's old output before it runs afresh; never a directory that holds the work
   * directory.
   */
  private void deleteOutput(Path output) {
    Path absolute = output.toAbsolutePath().normalize();
    if (absolute.getNameCount() < 2 || work.startsWith(absolute)) {
      throw new IllegalStateException(
          "refusing to clear "
              + absolute
              + " before a step writes it: it is too close to"
              + " the root or holds the work directory "
              + work);
    }
    dev.d2llm.store.LocalFiles.deleteTree(absolute);
  }

  /**
   * The place for value {@code i} of {@code argument}, or null when the value is not a place (a
   * model name).
   */
  private static Location placeOf(JobPlan.Argument argument, int i) {
    if (!argument.option().isLocation() || argument.locations().isEmpty()) {
      return null;
    }
    return argument.locations().get(i);
  }

  /**
   * The local path a step gets for {@code place}: the place itself, or a staged copy of a remote
   * one.
   */
  private String stage(StepOption option, Location place, List<Runnable> uploads) {
    if (!place.remote()) {
      if (option.isOutput() && option.role() != StepOption.Role.STORE) {
        createDirectories(
            option.role() == StepOption.Role.OUTPUT_DIR ? place.path() : place.path().getParent());
      }
      return place.path().toString();
    }
    if (option.role() == StepOption.Role.STORE) {
      return place.uri() + "/";
    }
    Path local = staged(place);
    switch (option.role()) {
      case INPUT, MODEL -> {
        // What an earlier step of this run wrote is staged already, exactly as it was uploaded.
        boolean stagedHere =
            uploadedThisRun.stream().anyMatch(place::within) && Files.exists(local);
        if (!stagedHere && !places.download(place, local)) {
          throw new IllegalStateException("the input " + place + " is missing");
        }
      }
      case CACHE -> {
        // The cache is append-only: a staged copy at least as large as the remote one (a killed run
        // on this machine) holds everything the remote one does and more.
        long remote = places.size(place);
        if (!Files.isRegularFile(local) || sizeOf(local) < remote) {
          places.download(place, local);
        }
      }
      default -> {
        // An output: the step writes it; a directory from an interrupted run on this machine is
        // kept.
      }
    }
    createDirectories(option.role() == StepOption.Role.OUTPUT_DIR ? local : local.getParent());
    if (option.isOutput()) {
      uploads.add(
          () -> {
            if (Files.exists(local)) {
              places.upload(local, place);
              uploadedThisRun.add(place);
            }
          });
    }
    return local.toString();
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> copyReportFiles(ObjectStore out, JobPlan.Step step) {
    List<String> copied = new ArrayList<>();
    for (JobPlan.Argument argument : step.arguments()) {
      if (argument.option().role() != StepOption.Role.OUTPUT_DIR) {
        continue;
      }
      for (Location place : argument.locations()) {
        Path dir = place.remote() ? staged(place) : place.path();
        for (String name : step.kind().reportFiles()) {
          Path file = dir.resolve(name);
          if (Files.isRegularFile(file)) {
            String key = "report/" + step.name() + "-" + name;
            out.put(key, file);
            copied.add(key);
          }
        }
      }
    }
    return copied;
  }

  private void uploadLog(ObjectStore out, JobPlan.Step step, Path log) {
    if (Files.isRegularFile(log)) {
      out.put("logs/" + step.name() + ".log", log);
    }
  }

  private static JobState readState(ObjectStore out, String job) {
    try {
      JobState state =
          JobState.parse(out.readBytes(JobState.KEY), out.uri(JobState.KEY).toString());
      if (!state.job().equals(job)) {
        throw new IllegalStateException(
            out.uri()
                + " holds the state of job '"
                + state.job()
                + "', not '"
                + job
                + "': give this job its own output location");
      }
      return state;
    } catch (ObjectNotFoundException e) {
      return JobState.empty(job);
    }
  }

  /**
   * A hash of what decides a step's outputs; a changed value, place or device means it runs again.
   */
  static String fingerprint(JobPlan plan, JobPlan.Step step) {
    StringBuilder text = new StringBuilder(step.kind().name()).append('\n');
    for (JobPlan.Argument a : step.arguments()) {
      text.append(a.option().name()).append('=');
      for (int i = 0; i < a.values().size(); i++) {
        Location place = placeOf(a, i);
        text.append(place == null ? a.values().get(i) : place.toString()).append('\u0000');
      }
      text.append('\n');
    }
    if (step.kind().takesDevice()) {
      text.append("device=").append(plan.device()).append('\n');
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void say(JobPlan plan, JobPlan.Step step, String what) {
    console.printf(
        "job %s: step %d/%d %s (%s): %s%n",
        plan.name(), step.number(), plan.steps().size(), step.name(), step.kind().name(), what);
  }

  private static String seconds(double seconds) {
    return String.format(java.util.Locale.ROOT, "%.1f s", seconds);
  }

  private record Result(int status, String lastLine, RuntimeException error) {}

  /** The {@code key=value} figures a step prints on its last line. */
  static final class Metrics {
    private Metrics() {}

    static Map<String, Object> parse(String line) {
      Map<String, Object> metrics = new LinkedHashMap<>();
      for (String token : line.strip().split("\\s+")) {
        int eq = token.indexOf('=');
        if (eq <= 0 || eq == token.length() - 1) {
          continue;
        }
        String value = token.substring(eq + 1);
        try {
          metrics.put(token.substring(0, eq), Double.parseDouble(value));
        } catch (NumberFormatException e) {
          metrics.put(token.substring(0, eq), value);
        }
      }
      return metrics;
    }
  }
}
