package dev.d2llm.mining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.d2llm.data.TrainingExample;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link NegativeMiner} owes, whatever it ranks by. */
abstract class NegativeMinerContract {

  /** A miner that ranks the English sentences below sensibly. */
  abstract NegativeMiner miner();

  static final List<TrainingExample> EXAMPLES =
      List.of(
          new TrainingExample("sts", "a man plays the guitar", "a man is playing a guitar"),
          new TrainingExample("sts", "a man plays the guitar", "someone plays guitar music"),
          new TrainingExample("sts", "a woman slices an onion", "a woman is cutting an onion"),
          new TrainingExample("sts", "a dog runs in the park", "a man plays the guitar"),
          new TrainingExample("sts", "a child rides a bike", "a kid is riding a bicycle"),
          new TrainingExample("sts", "a cat sleeps on the sofa", "a cat is napping on a couch"),
          new TrainingExample("sts", "a man sings a song", "a man plays the piano"),
          new TrainingExample("other", "a man with a guitar", "a guitarist on stage"));

  @Test
  void neverReturnsAnyOfTheQuerysOwnPositives() {
    List<List<String>> negatives = miner().negatives(EXAMPLES, 10);
    assertThat(negatives.get(0))
        .doesNotContain("a man is playing a guitar", "someone plays guitar music")
        .isNotEmpty();
  }

  @Test
  void neverReturnsATextIdenticalToTheQuery() {
    // "a man plays the guitar" is in the pool as the positive of the dog query.
    assertThat(miner().negatives(EXAMPLES, 10).get(0)).doesNotContain("a man plays the guitar");
  }

  @Test
  void candidatesComeOnlyFromTheExamplesDataSet() {
    List<List<String>> negatives = miner().negatives(EXAMPLES, 10);
    assertThat(negatives.get(0)).doesNotContain("a guitarist on stage");
    assertThat(negatives.get(7)).isEmpty(); // its data set's pool holds only its own positive
  }

  @Test
  void returnsAtMostKDistinctNegatives() {
    for (List<String> list : miner().negatives(EXAMPLES, 2)) {
      assertThat(list).hasSizeLessThanOrEqualTo(2).doesNotHaveDuplicates();
    }
    assertThat(miner().negatives(EXAMPLES, 0)).allSatisfy(list -> assertThat(list).isEmpty());
  }

  @Test
  void negativeKIsRejected() {
    assertThatThrownBy(() -> miner().negatives(EXAMPLES, -1))
        .hasMessage("k must be >= 0, found -1");
  }

  @Test
  void examplesSharingAQueryGetTheSameList() {
    List<List<String>> negatives = miner().negatives(EXAMPLES, 3);
    assertThat(negatives.get(1)).isEqualTo(negatives.get(0));
  }

  @Test
  void resultsDoNotDependOnExampleOrderOrRepetition() {
    List<List<String>> first = miner().negatives(EXAMPLES, 3);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < EXAMPLES.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(7));
    List<TrainingExample> shuffled = order.stream().map(EXAMPLES::get).toList();
    List<List<String>> again = miner().negatives(shuffled, 3);
    for (int i = 0; i < order.size(); i++) {
      assertThat(again.get(i)).as("example %d", order.get(i)).isEqualTo(first.get(order.get(i)));
    }
  }

  @Test
  void mineFillsEachExampleInOrder() {
    List<TrainingExample> mined = miner().mine(EXAMPLES, 3);
    List<List<String>> negatives = miner().negatives(EXAMPLES, 3);
    for (int i = 0; i < EXAMPLES.size(); i++) {
      assertThat(mined.get(i)).isEqualTo(EXAMPLES.get(i).withNegatives(negatives.get(i)));
    }
  }
}
