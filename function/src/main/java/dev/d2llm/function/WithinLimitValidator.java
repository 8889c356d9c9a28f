package dev.d2llm.function;

import io.smallrye.config.SmallRyeConfig;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import java.util.Collection;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Checks {@link WithinLimit} against the configured limits and names the value and the limit when
 * it fails.
 */
public class WithinLimitValidator implements ConstraintValidator<WithinLimit, Object> {

  private WithinLimit.Limit limit;

  /**
   * Hibernate Validator creates validators itself while Quarkus starts, before the config mapping
   * is injectable.
   */
  public WithinLimitValidator() {}

  private static FunctionConfig config() {
    return ConfigProvider.getConfig()
        .unwrap(SmallRyeConfig.class)
        .getConfigMapping(FunctionConfig.class);
  }

  @Override
  public void initialize(WithinLimit annotation) {
    limit = annotation.value();
  }

  @Override
  public boolean isValid(Object value, ConstraintValidatorContext context) {
    if (value == null) {
      return true;
    }
    FunctionConfig.Limits l = config().limits();
    long actual;
    long max;
    String what;
    switch (limit) {
      case QUERY_CHARS -> {
        actual = ((String) value).length();
        max = l.maxQueryChars();
        what = "characters";
      }
      case TEXT_CHARS -> {
        actual = ((String) value).length();
        max = l.maxTextChars();
        what = "characters";
      }
      case TOP_K -> {
        actual = ((Number) value).longValue();
        max = l.maxTopK();
        what = "hits";
      }
      case CANDIDATES -> {
        actual = ((Number) value).longValue();
        max = l.maxCandidates();
        what = "candidates";
      }
      case TEXTS -> {
        actual = ((Collection<?>) value).size();
        max = l.maxTexts();
        what = "texts";
      }
      default -> throw new IllegalStateException("unknown limit " + limit);
    }
    if (actual <= max) {
      return true;
    }
    context.disableDefaultConstraintViolation();
    context
        .buildConstraintViolationWithTemplate("is " + actual + " " + what + ", the limit is " + max)
        .addConstraintViolation();
    return false;
  }
}
