package dev.d2llm.function;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A request value within a configured limit ({@code d2llm.limits.*}): a string's length, a number's
 * size or a list's length, depending on {@link #value()}.
 */
@Target({
  ElementType.FIELD,
  ElementType.PARAMETER,
  ElementType.TYPE_USE,
  ElementType.RECORD_COMPONENT,
  ElementType.METHOD
})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = WithinLimitValidator.class)
public @interface WithinLimit {

  /** Which limit applies. */
  Limit value();

  String message() default "exceeds its limit";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};

  /** The configured limits. */
  enum Limit {
    QUERY_CHARS,
    TOP_K,
    TEXTS,
    TEXT_CHARS,
    CANDIDATES
  }
}
