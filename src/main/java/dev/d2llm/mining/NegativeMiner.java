package dev.d2llm.mining;

import dev.d2llm.data.TrainingExample;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds hard negatives for training examples. The pool of a data set is the distinct positives of
 * its examples; a query never gets any of its own positives (over all its examples) nor a text
 * identical to itself. Results are deterministic: equal scores rank by text.
 */
public interface NegativeMiner {

  /**
   * For every example, in the order given, up to {@code k} hard negatives from the pool of its data
   * set, best first. Examples that share a query and data set get the same list.
   */
  List<List<String>> negatives(List<TrainingExample> examples, int k);

  /** The examples with their negatives replaced by {@link #negatives}. */
  default List<TrainingExample> mine(List<TrainingExample> examples, int k) {
    List<List<String>> negatives = negatives(examples, k);
    List<TrainingExample> mined = new ArrayList<>(examples.size());
    for (int i = 0; i < examples.size(); i++) {
      mined.add(examples.get(i).withNegatives(negatives.get(i)));
    }
    return mined;
  }
}
