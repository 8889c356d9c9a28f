package dev.d2llm.job;

import java.util.List;

/**
 * A checked job, ready to run: every value typed, every variable substituted, every place resolved.
 *
 * @param source where the spec came from
 * @param name the job's name
 * @param output where state, logs and the report go (a directory or an S3 prefix)
 * @param device the device passed to steps that compute on one
 * @param steps the steps in order
 */
public record JobPlan(
    String source, String name, Location output, String device, List<Step> steps) {

  public JobPlan {
    steps = List.copyOf(steps);
  }

  /**
   * One checked step.
   *
   * @param number its 1-based position in the job
   * @param name its name
   * @param kind what it runs
   * @param arguments its options, in the order written
   */
  public record Step(int number, String name, StepKind kind, List<Argument> arguments) {

    public Step {
      arguments = List.copyOf(arguments);
    }

    /** The places this step writes. */
    public List<Location> outputs() {
      return arguments.stream()
          .filter(a -> a.option().isOutput())
          .flatMap(a -> a.locations().stream())
          .toList();
    }
  }

  /**
   * One option of a step with its values; for an option that names places, the places too (a model
   * reference that is a name rather than a place has none).
   */
  public record Argument(StepOption option, List<String> values, List<Location> locations) {

    public Argument {
      values = List.copyOf(values);
      locations = List.copyOf(locations);
    }
  }
}
