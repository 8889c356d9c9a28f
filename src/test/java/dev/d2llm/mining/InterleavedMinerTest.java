package dev.d2llm.mining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.d2llm.data.TrainingExample;
import java.util.List;
import org.junit.jupiter.api.Test;

class InterleavedMinerTest extends NegativeMinerContract {

  @Override
  NegativeMiner miner() {
    return new InterleavedMiner(
        List.of(new Bm25Miner(Language.ENGLISH), new DenseMiner(DenseMinerTest::bagOfWords)));
  }

  /** A miner that answers the same list for every example. */
  private static NegativeMiner fixed(String... texts) {
    return (examples, k) ->
        examples.stream().map(e -> List.of(texts).subList(0, Math.min(k, texts.length))).toList();
  }

  @Test
  void takesEachMinersNextInTurnAndSkipsTextsAlreadyTaken() {
    NegativeMiner mixed = new InterleavedMiner(List.of(fixed("a", "b", "c"), fixed("b", "d")));
    List<TrainingExample> one = List.of(new TrainingExample("set", "q", "p"));

    assertThat(mixed.negatives(one, 4)).containsExactly(List.of("a", "b", "d", "c"));
    assertThat(mixed.negatives(one, 3)).containsExactly(List.of("a", "b", "d"));
    assertThat(mixed.negatives(one, 9)).containsExactly(List.of("a", "b", "d", "c"));
  }

  @Test
  void needsAMiner() {
    assertThatThrownBy(() -> new InterleavedMiner(List.of()))
        .hasMessageContaining("at least one miner");
  }
}
