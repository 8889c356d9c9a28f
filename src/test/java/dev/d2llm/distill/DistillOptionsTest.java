package dev.d2llm.distill;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.d2llm.distill.loss.DistillationLoss;
import org.junit.jupiter.api.Test;

/** A bad option is refused with the rule it breaks and the value given. */
class DistillOptionsTest {

  @Test
  void eachRuleNamesItsFieldAndValue() {
    assertThatThrownBy(
            () ->
                new DistillOptions(1, 8, 5, 1e-4f, 0, 1.0, 1, 10, 5, 10, DistillationLoss.DEFAULTS))
        .hasMessage("distillation options: batch size must be >= 2 (in-batch negatives), found 1");
    assertThatThrownBy(
            () -> new DistillOptions(32, 8, 5, 0f, 0, 1.0, 1, 10, 5, 10, DistillationLoss.DEFAULTS))
        .hasMessage("distillation options: learning rate must be > 0, found 0.0");
    assertThatThrownBy(
            () ->
                new DistillOptions(
                    32, 8, 5, 1e-4f, 0, 1.0, 1, 10, 0, 10, DistillationLoss.DEFAULTS))
        .hasMessage("distillation options: patience must be >= 1, found 0");
  }
}
