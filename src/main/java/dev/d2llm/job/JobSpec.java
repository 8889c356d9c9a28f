package dev.d2llm.job;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job spec as written, before its steps are checked against the catalog: the job's name, where
 * its outputs, state, logs and report go, the device, user variables and the steps in order.
 *
 * @param source where the spec was read from, for messages and for relative paths
 * @param name the job's name
 * @param output the output location as written ({@code s3://bucket/prefix/}, {@code file:///dir/}
 *     or a path)
 * @param device {@code cpu}, {@code gpu} or {@code gpuN}; null when the spec leaves it to the
 *     command line
 * @param vars user variables, referred to as {@code ${name}} in values
 * @param steps the steps, in the order they run
 */
public record JobSpec(
    String source,
    String name,
    String output,
    String device,
    Map<String, String> vars,
    List<Step> steps) {

  public JobSpec {
    vars = Collections.unmodifiableMap(new LinkedHashMap<>(vars));
    steps = List.copyOf(steps);
  }

  /**
   * One step as written.
   *
   * @param line the line of the step in the spec
   * @param name its name, unique in the job
   * @param run the kind of step
   * @param with its options: each a list of one or more values as written
   */
  public record Step(int line, String name, String run, Map<String, Value> with) {

    public Step {
      with = Collections.unmodifiableMap(new LinkedHashMap<>(with));
    }
  }

  /**
   * An option's value as written: one scalar, or a list of scalars.
   *
   * @param line where it is in the spec
   * @param values the scalar texts
   * @param list whether it was written as a list
   */
  public record Value(int line, List<String> values, boolean list) {

    public Value {
      values = List.copyOf(values);
    }
  }
}
