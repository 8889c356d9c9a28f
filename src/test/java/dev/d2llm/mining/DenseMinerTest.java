package dev.d2llm.mining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.d2llm.data.TrainingExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class DenseMinerTest extends NegativeMinerContract {

  /** Bag of words hashed into 64 dimensions: a stand-in encoder that rewards shared words. */
  static float[][] bagOfWords(List<String> texts) {
    float[][] out = new float[texts.size()][64];
    for (int i = 0; i < texts.size(); i++) {
      for (String w : texts.get(i).split(" ")) {
        out[i][Math.floorMod(w.hashCode(), 64)] += 1;
      }
    }
    return out;
  }

  @Override
  NegativeMiner miner() {
    return new DenseMiner(DenseMinerTest::bagOfWords);
  }

  private static Function<List<String>, float[][]> table(Map<String, float[]> vectors) {
    return texts -> texts.stream().map(vectors::get).toArray(float[][]::new);
  }

  @Test
  void ranksByCosineNotByDotProduct() {
    Map<String, float[]> v =
        Map.of(
            "q",
            new float[] {1, 0},
            "p",
            new float[] {0, 1},
            "x",
            new float[] {0, 1},
            "long but off",
            new float[] {10, 10},
            "short and close",
            new float[] {1, 0.1f});
    List<TrainingExample> examples =
        List.of(
            new TrainingExample("d", "q", "p"),
            new TrainingExample("d", "x", "long but off"),
            new TrainingExample("d", "x", "short and close"));
    assertThat(new DenseMiner(table(v)).negatives(examples, 2).get(0))
        .containsExactly("short and close", "long but off");
  }

  @Test
  void equalCosinesRankByText() {
    Map<String, float[]> v =
        Map.of(
            "q",
            new float[] {1, 0},
            "p",
            new float[] {0, 1},
            "x",
            new float[] {0, 1},
            "b twin",
            new float[] {1, 1},
            "a twin",
            new float[] {2, 2});
    List<TrainingExample> examples =
        List.of(
            new TrainingExample("d", "q", "p"),
            new TrainingExample("d", "x", "b twin"),
            new TrainingExample("d", "x", "a twin"));
    assertThat(new DenseMiner(table(v)).negatives(examples, 2).get(0))
        .containsExactly("a twin", "b twin");
  }

  @Test
  void queriesAndCandidatesAreEmbeddedWithTheirOwnFunctions() {
    List<List<String>> queryCalls = new ArrayList<>();
    List<List<String>> candidateCalls = new ArrayList<>();
    DenseMiner miner =
        new DenseMiner(
            texts -> {
              queryCalls.add(texts);
              return bagOfWords(texts);
            },
            texts -> {
              candidateCalls.add(texts);
              return bagOfWords(texts);
            });
    miner.negatives(EXAMPLES, 2);
    assertThat(queryCalls).hasSize(2); // one call per data set
    assertThat(queryCalls.get(0))
        .startsWith("a man plays the guitar", "a woman slices an onion")
        .doesNotHaveDuplicates();
    assertThat(candidateCalls.get(0)).isSorted().contains("a man is playing a guitar");
  }

  @Test
  void anEmbeddingFunctionReturningTheWrongCountIsRejected() {
    DenseMiner miner = new DenseMiner(texts -> new float[1][4]);
    assertThatThrownBy(() -> miner.negatives(EXAMPLES, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the embedding function returned 1 vectors for 7 candidates");
  }

  @Test
  void nonFiniteEmbeddingsAreRejected() {
    DenseMiner miner =
        new DenseMiner(
            texts -> {
              float[][] v = bagOfWords(texts);
              v[0][0] = Float.NaN;
              return v;
            });
    assertThatThrownBy(() -> miner.negatives(EXAMPLES, 2))
        .hasMessage("embedding 0 of the candidates holds NaN");
  }

  @Test
  void zeroVectorsScoreZeroInsteadOfFailing() {
    Map<String, float[]> v =
        Map.of(
            "q",
            new float[] {1, 0},
            "p",
            new float[] {0, 1},
            "zero",
            new float[] {0, 0},
            "near",
            new float[] {1, 0});
    List<TrainingExample> examples =
        List.of(
            new TrainingExample("d", "q", "p"),
            new TrainingExample("d", "near", "zero"),
            new TrainingExample("d", "zero", "near"));
    assertThat(new DenseMiner(table(v)).negatives(examples, 2).get(0))
        .containsExactly("near", "zero");
  }
}
