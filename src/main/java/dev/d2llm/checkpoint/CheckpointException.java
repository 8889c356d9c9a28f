package dev.d2llm.checkpoint;

/**
 * A checkpoint that cannot be read or does not hold what its reader expects; the message says
 * which.
 */
public class CheckpointException extends RuntimeException {

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
