package dev.d2llm.function;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.util.Set;

/**
 * Validation shared by the functions: a missing body and every constraint violation end up as a
 * 400.
 */
final class Requests {

  /** The IEM branches a request may name. */
  static final String TASK = "sym|asym|symmetric|asymmetric";

  private Requests() {}

  /**
   * Throws {@link ConstraintViolationException} (answered as 400) unless {@code request} is present
   * and valid.
   */
  static <T> T valid(Validator validator, T request, String function) {
    if (request == null) {
      throw new MissingBodyException(function);
    }
    Set<ConstraintViolation<T>> violations = validator.validate(request);
    if (!violations.isEmpty()) {
      throw new ConstraintViolationException(violations);
    }
    return request;
  }

  /** A function that needs a JSON body was called without one. */
  static final class MissingBodyException extends RuntimeException {
    MissingBodyException(String function) {
      super(function + " needs a JSON body");
    }
  }
}
