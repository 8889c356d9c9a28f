package dev.d2llm.data;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a pair set into (query, positive) training examples, sentence1 as the query and sentence2
 * as the positive. A pair is positive when its STS score reaches a threshold, its binary label is
 * 1, or it is an entailment; every other pair is dropped, not used as a negative, because a low
 * score or a contradiction is a judgement about one pair, while hard negatives come from mining
 * over the pool. Pairs whose two texts are identical teach nothing and are dropped, as are repeated
 * pairs.
 */
public final class PositivePairs {

  /** The STS threshold on the 0-5 scale of STS-B; it reads the same on SICK's 1-5 scale. */
  public static final double DEFAULT_STS_THRESHOLD = 4.0;

  private PositivePairs() {}

  /**
   * The positive pairs of a set as examples of {@code dataset}, with {@link
   * #DEFAULT_STS_THRESHOLD}.
   */
  public static List<TrainingExample> examples(PairSet pairs, String dataset) {
    return examples(pairs, dataset, DEFAULT_STS_THRESHOLD);
  }

  /**
   * The positive pairs of a set as examples of {@code dataset}, in file order. {@code stsThreshold}
   * is the lowest STS score that counts as positive; binary and NLI sets ignore it.
   */
  public static List<TrainingExample> examples(PairSet pairs, String dataset, double stsThreshold) {
    if (!Double.isFinite(stsThreshold)) {
      throw new IllegalArgumentException(
          "stsThreshold must be a finite number, found " + stsThreshold);
    }
    Set<List<String>> seen = new LinkedHashSet<>();
    List<TrainingExample> examples = new ArrayList<>();
    for (LabelledPair p : pairs.pairs()) {
      boolean positive =
          switch (pairs.task()) {
            case STS -> p.label() >= stsThreshold;
            case BINARY -> p.label() == 1.0;
            case NLI -> NliLabel.ofValue(p.label()) == NliLabel.ENTAILMENT;
          };
      if (positive && !p.text1().equals(p.text2()) && seen.add(List.of(p.text1(), p.text2()))) {
        examples.add(new TrainingExample(dataset, p.text1(), p.text2()));
      }
    }
    return examples;
  }

  /**
   * The judged (query, relevant passage) pairs of a retrieval set's split as examples of {@code
   * dataset}, in qrels order: one example per relevant passage (grade > 0). The passage is read as
   * search reads it, title first ({@link CorpusFiles#passageText}).
   */
  public static List<TrainingExample> examples(RetrievalSet set, String dataset) {
    List<TrainingExample> examples = new ArrayList<>();
    for (String queryId : set.qrels().queryIds()) {
      RetrievalQuery q = set.queries().get(queryId);
      set.qrels()
          .forQuery(queryId)
          .forEach(
              (docId, grade) -> {
                if (grade > 0) {
                  examples.add(
                      new TrainingExample(
                          dataset, q.text(), CorpusFiles.passageText(set.corpus().get(docId))));
                }
              });
    }
    return examples;
  }
}
