package dev.d2llm.function;

/**
 * The function has no verified index to serve (still starting, or refused one); answered as 503.
 */
public class NotReadyException extends RuntimeException {

  public NotReadyException(String reason) {
    super("the search function is not ready: " + reason);
  }
}
