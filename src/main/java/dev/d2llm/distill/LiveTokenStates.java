package dev.d2llm.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.d2llm.student.Student;
import dev.d2llm.text.PaddingSide;
import dev.d2llm.text.TokenBatch;
import java.util.List;

/**
 * Runs the student's backbone (with its LoRA adapters) on every step: gradients reach the adapters.
 */
public final class LiveTokenStates implements TokenStates {

  private final Student student;

  public LiveTokenStates(Student student) {
    this.student = student;
  }

  @Override
  public NDArray[] of(NDManager scope, List<String> texts, boolean training) {
    TokenBatch b =
        TokenBatch.pad(
            student.tokenizer().encodeAll(texts), student.tokenizer().padId(), PaddingSide.RIGHT);
    NDArray mask = b.maskArray(scope);
    NDArray hidden =
        student.backbone().backbone().hiddenStates(null, b.idsArray(scope), mask, training);
    return new NDArray[] {hidden, mask};
  }
}
