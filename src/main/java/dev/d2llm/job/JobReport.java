package dev.d2llm.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.d2llm.store.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The account of one run of a job, written to {@value #KEY} in its output location: each step's
 * status (ran, resumed from an earlier run, failed, not run), time, figures, log and plots.
 */
public final class JobReport {

  /** The report's key in the job's output location. */
  public static final String KEY = "report/report.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final JobPlan plan;
  private final Instant started;
  private final Map<String, Map<String, Object>> steps = new LinkedHashMap<>();
  private String status = "running";

  JobReport(JobPlan plan, Instant started) {
    this.plan = plan;
    this.started = started;
    for (JobPlan.Step step : plan.steps()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", step.name());
      entry.put("run", step.kind().name());
      entry.put("status", "not-run");
      steps.put(step.name(), entry);
    }
  }

  void resumed(JobPlan.Step step, JobState.FinishedStep done) {
    Map<String, Object> entry = steps.get(step.name());
    entry.put("status", "resumed");
    entry.put("seconds", done.seconds());
    entry.put("metrics", done.metrics());
  }

  void ran(JobPlan.Step step, JobState.FinishedStep done, List<String> plots) {
    Map<String, Object> entry = steps.get(step.name());
    entry.put("status", "ran");
    entry.put("seconds", done.seconds());
    entry.put("metrics", done.metrics());
    entry.put("log", "logs/" + step.name() + ".log");
    if (!plots.isEmpty()) {
      entry.put("plots", plots);
    }
  }

  void failed(JobPlan.Step step, double seconds, String why) {
    Map<String, Object> entry = steps.get(step.name());
    entry.put("status", "failed");
    entry.put("seconds", seconds);
    entry.put("error", why);
    entry.put("log", "logs/" + step.name() + ".log");
    status = "failed";
  }

  /** The status of step {@code name}: ran, resumed, failed or not-run. */
  public String status(String name) {
    return (String) steps.get(name).get("status");
  }

  /** The figures step {@code name} reported, empty if it did not run. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> metrics(String name) {
    return (Map<String, Object>) steps.get(name).getOrDefault("metrics", Map.of());
  }

  /** Whether every step finished, in this run or an earlier one. */
  public boolean succeeded() {
    return steps.values().stream()
        .allMatch(s -> s.get("status").equals("ran") || s.get("status").equals("resumed"));
  }

  void write(ObjectStore out, Instant finished) {
    if (!status.equals("failed")) {
      status = succeeded() ? "succeeded" : "incomplete";
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("job", plan.name());
    report.put("spec", plan.source());
    report.put("output", plan.output().toString());
    report.put("device", plan.device());
    report.put("status", status);
    report.put("started", started.toString());
    report.put("finished", finished.toString());
    report.put("seconds", Duration.between(started, finished).toMillis() / 1000.0);
    report.put("steps", new ArrayList<>(steps.values()));
    try {
      out.putBytes(KEY, JSON.writeValueAsBytes(report));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
