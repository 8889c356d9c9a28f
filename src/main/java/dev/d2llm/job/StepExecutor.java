package dev.d2llm.job;

import java.util.List;

/**
 * Runs one step's command line (such as {@code [mine, --data, ..., --out, ...]}) and returns its
 * exit status.
 */
@FunctionalInterface
public interface StepExecutor {

  /**
   * Runs {@code commandLine} to the end; what it prints to stdout and stderr goes to the step's
   * log.
   */
  int execute(List<String> commandLine);
}
