package dev.d2llm.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a job has finished, kept beside its outputs as {@value #KEY} and rewritten after every step:
 * a re-run skips the leading steps recorded here with an unchanged fingerprint.
 *
 * @param format the file's format version
 * @param job the job's name
 * @param steps the finished steps, in the order they ran
 */
public record JobState(int format, String job, List<FinishedStep> steps) {

  /** The state's key in the job's output location. */
  public static final String KEY = "job-state.json";

  static final int FORMAT = 1;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public JobState {
    steps = List.copyOf(steps);
  }

  /**
   * One finished step.
   *
   * @param name the step's name
   * @param run its kind
   * @param fingerprint a hash of everything that decides its outputs: its kind, values, places and
   *     device
   * @param finished when it finished (ISO-8601)
   * @param seconds how long it ran
   * @param metrics what its last line reported ({@code key=value} pairs), numbers as numbers
   */
  public record FinishedStep(
      String name,
      String run,
      String fingerprint,
      String finished,
      double seconds,
      Map<String, Object> metrics) {}

  static JobState empty(String job) {
    return new JobState(FORMAT, job, List.of());
  }

  /** The record of {@code name} if it finished with {@code fingerprint}. */
  Optional<FinishedStep> finished(String name, String fingerprint) {
    return steps.stream()
        .filter(s -> s.name().equals(name) && s.fingerprint().equals(fingerprint))
        .findFirst();
  }

  /** This state with {@code step} recorded, replacing an older record of the same step. */
  JobState with(FinishedStep step) {
    List<FinishedStep> all = new ArrayList<>(steps);
    all.removeIf(s -> s.name().equals(step.name()));
    all.add(step);
    return new JobState(format, job, all);
  }

  /** This state without the records of {@code names}. */
  JobState withoutFrom(List<String> names) {
    List<FinishedStep> kept = new ArrayList<>(steps);
    kept.removeIf(s -> names.contains(s.name()));
    return new JobState(format, job, kept);
  }

  static JobState parse(byte[] json, String where) {
    try {
      JobState state = JSON.readValue(json, JobState.class);
      if (state.format() != FORMAT) {
        throw new IllegalStateException(
            where + " has format " + state.format() + "; this version reads format " + FORMAT);
      }
      return state;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the job state " + where + ": " + e.getMessage(), e);
    }
  }

  byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
