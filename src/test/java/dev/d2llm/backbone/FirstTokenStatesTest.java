package dev.d2llm.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.d2llm.embedding.Pooling;
import dev.d2llm.text.PaddingSide;
import dev.d2llm.text.TokenBatch;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code [CLS]} pooling runs BERT's last layer for the first token only (issue 21): the same vector
 * as pooling the full final states, for padded and unpadded rows alike.
 */
class FirstTokenStatesTest {

  private static final Path TINY_BERT = Path.of("test/resources/models/tiny-bert");

  @Test
  void firstTokenStatesEqualTheFullStatesFirstRow() {
    try (BackboneModel model = BackboneModel.load(TINY_BERT);
        NDManager scope = model.manager().newSubManager()) {
      TokenBatch batch =
          TokenBatch.pad(
              List.of(new long[] {2, 7, 9, 11, 13, 3}, new long[] {2, 5, 3}, new long[] {2, 8, 3}),
              0,
              PaddingSide.RIGHT);
      NDArray ids = batch.idsArray(scope);
      NDArray mask = batch.maskArray(scope);
      Backbone backbone = model.backbone();
      float[] full = backbone.hiddenStates(null, ids, mask, false).get(":, 0, :").toFloatArray();
      NDArray first = backbone.firstTokenStates(null, ids, mask, false);
      assertThat(first.getShape().get(1)).isEqualTo(1);
      float[] pruned = first.get(":, 0, :").toFloatArray();
      assertThat(pruned).hasSameSizeAs(full);
      for (int i = 0; i < full.length; i++) {
        assertThat(pruned[i]).as("element %d", i).isCloseTo(full[i], within(1e-5f));
      }
      float[] pooled = Pooling.CLS.encode(backbone, null, ids, mask, false).toFloatArray();
      assertThat(pooled).containsExactly(pruned);
    }
  }
}
