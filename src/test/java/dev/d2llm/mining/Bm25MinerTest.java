package dev.d2llm.mining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.d2llm.data.TrainingExample;
import java.util.List;
import org.junit.jupiter.api.Test;

class Bm25MinerTest extends NegativeMinerContract {

  @Override
  NegativeMiner miner() {
    return new Bm25Miner(Language.ENGLISH);
  }

  @Test
  void lexicallyOverlappingCandidateRanksFirst() {
    List<TrainingExample> examples =
        List.of(
            new TrainingExample(
                "d", "how do I reset the router password", "steps to restore router login"),
            new TrainingExample("d", "q2", "reset the router password from the admin page"),
            new TrainingExample("d", "q3", "my cat likes to sleep all day"),
            new TrainingExample("d", "q4", "password rules for new accounts"));
    assertThat(miner().negatives(examples, 3).get(0))
        .containsExactly(
            "reset the router password from the admin page", "password rules for new accounts");
    // The own positive shares "router" but never comes back; the cat sentence shares nothing.
  }

  @Test
  void equalScoresRankByText() {
    List<TrainingExample> examples =
        List.of(
            new TrainingExample("d", "apple", "apple pie"),
            new TrainingExample("d", "q2", "apple zest"),
            new TrainingExample("d", "q3", "apple cake"));
    assertThat(miner().negatives(examples, 2).get(0)).containsExactly("apple cake", "apple zest");
  }

  @Test
  void queryOfOnlyStopWordsGetsNoNegatives() {
    List<TrainingExample> examples =
        List.of(
            new TrainingExample("d", "the of and", "x y"),
            new TrainingExample("d", "q2", "the end of it"));
    assertThat(miner().negatives(examples, 2).get(0)).isEmpty();
  }

  @Test
  void chineseTextIsSegmentedIntoWordsAndMatched() {
    List<TrainingExample> examples =
        List.of(
            new TrainingExample("afqmc", "花呗怎么还款", "花呗如何还钱"),
            new TrainingExample("afqmc", "今天天气怎么样", "明天会下雨吗"),
            new TrainingExample("afqmc", "借呗利息多少", "花呗还款日是哪天"),
            new TrainingExample("afqmc", "我想买手机", "手机哪里买便宜"));
    List<String> negatives = new Bm25Miner(Language.CHINESE).negatives(examples, 3).get(0);
    assertThat(negatives).first().isEqualTo("花呗还款日是哪天");
    assertThat(negatives).doesNotContain("花呗如何还钱");
  }

  @Test
  void parametersOutsideTheirRangeAreRejected() {
    assertThatThrownBy(() -> new Bm25Miner(Language.ENGLISH, 1.2f, 1.5f))
        .hasMessage("BM25 needs k1 >= 0 and 0 <= b <= 1, found k1 = 1.2, b = 1.5");
  }
}
