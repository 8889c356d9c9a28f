package dev.d2llm.job;

import java.util.List;
import java.util.stream.Collectors;

/** A job spec that cannot run, with every problem found in it, one per line. */
public final class InvalidJobException extends RuntimeException {

  private final transient List<JobProblem> problems;

  public InvalidJobException(List<JobProblem> problems) {
    super(
        problems.size()
            + (problems.size() == 1 ? " problem" : " problems")
            + " in the job spec:\n"
            + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  /** The problems, in the order they appear in the spec. */
  public List<JobProblem> problems() {
    return problems;
  }
}
