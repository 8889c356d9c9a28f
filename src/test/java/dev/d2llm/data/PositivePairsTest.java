package dev.d2llm.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PositivePairsTest {

  @Test
  void stsKeepsPairsScoringAtLeastTheThresholdAndDropsIdenticalTexts() {
    List<TrainingExample> examples =
        PositivePairs.examples(PairFiles.read(Fixtures.data("pairs/sts.tsv")), "stsb");
    // 4.8 and 4.0 pass; 5.0 has the same text twice; 3.75 and 0.4 are below 4.
    assertThat(examples)
        .containsExactly(
            new TrainingExample("stsb", "A man is playing a guitar.", "A man plays the guitar."),
            new TrainingExample(
                "stsb", "A woman is slicing an onion.", "A woman is cutting an onion."));
  }

  @Test
  void theStsThresholdIsAnArgument() {
    PairSet sick = PairFiles.read(Fixtures.data("pairs/sick-relatedness.tsv"));
    assertThat(PositivePairs.examples(sick, "sick", 4.5))
        .extracting(TrainingExample::query)
        .containsExactly("Two dogs are running");
    assertThat(PositivePairs.examples(sick, "sick"))
        .extracting(TrainingExample::query)
        .containsExactly("Two dogs are running", "A boy is singing");
  }

  @Test
  void binaryKeepsLabelOne() {
    List<TrainingExample> examples =
        PositivePairs.examples(PairFiles.read(Fixtures.data("pairs/binary.tsv")), "afqmc");
    assertThat(examples)
        .extracting(TrainingExample::positive)
        .containsExactly("花呗如何还钱", "借呗的利率是多少");
  }

  @Test
  void nliKeepsEntailmentOnly() {
    List<TrainingExample> examples =
        PositivePairs.examples(PairFiles.read(Fixtures.data("pairs/nli.tsv")), "sick-e");
    assertThat(examples)
        .containsExactly(
            new TrainingExample(
                "sick-e", "A man is playing a guitar", "A person is playing an instrument"));
  }

  @Test
  void repeatedPairsGiveOneExample() {
    PairSet set =
        new PairSet(
            Path.of("mem"),
            PairTask.BINARY,
            List.of(
                new LabelledPair("a", "b", 1),
                new LabelledPair("a", "b", 1),
                new LabelledPair("b", "a", 1)));
    assertThat(PositivePairs.examples(set, "d"))
        .extracting(TrainingExample::query)
        .containsExactly("a", "b");
  }
}
