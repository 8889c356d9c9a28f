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
   * Throws {@link ConstraintViolationException} (answered as 400) unless {@code request} is valid,
   * or a {@link RejectedRequest} when it is absent.
   */
  static <T> T valid(Validator validator, T request, String function) {
    if (request == null) {
      throw RejectedRequest.missingBody(function);
    }
    Set<ConstraintViolation<T>> violations = validator.validate(request);
    if (!violations.isEmpty()) {
      throw new ConstraintViolationException(violations);
    }
    return request;
  }
}
