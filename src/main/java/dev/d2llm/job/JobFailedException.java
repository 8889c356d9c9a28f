package dev.d2llm.job;

/**
 * A job that stopped at a failed step; its state keeps the steps before, so a re-run resumes there.
 */
public final class JobFailedException extends RuntimeException {

  public JobFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
