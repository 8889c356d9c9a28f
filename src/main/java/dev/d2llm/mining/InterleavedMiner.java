package dev.d2llm.mining;

import dev.d2llm.data.TrainingExample;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Mixes the hard negatives of several miners (for example BM25's lexical look-alikes and a dense
 * retriever's semantic ones): each example's list takes every miner's first, then every miner's
 * second, and so on, skipping texts already taken, up to {@code k}. The miners' own guarantees (no
 * own positive, no copy of the query, same data set, deterministic) carry over.
 */
public final class InterleavedMiner implements NegativeMiner {

  private final List<NegativeMiner> miners;

  /** Interleaves the miners in the order given. */
  public InterleavedMiner(List<NegativeMiner> miners) {
    this.miners = List.copyOf(Objects.requireNonNull(miners, "miners"));
    if (this.miners.isEmpty()) {
      throw new IllegalArgumentException("an interleaved miner needs at least one miner");
    }
  }

  @Override
  public List<List<String>> negatives(List<TrainingExample> examples, int k) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0, found " + k);
    }
    List<List<List<String>>> each = miners.stream().map(m -> m.negatives(examples, k)).toList();
    List<List<String>> out = new ArrayList<>(examples.size());
    for (int e = 0; e < examples.size(); e++) {
      Set<String> taken = new LinkedHashSet<>();
      for (int rank = 0; taken.size() < k; rank++) {
        boolean any = false;
        for (List<List<String>> lists : each) {
          List<String> list = lists.get(e);
          if (rank < list.size()) {
            any = true;
            if (taken.size() < k) {
              taken.add(list.get(rank));
            }
          }
        }
        if (!any) {
          break;
        }
      }
      out.add(List.copyOf(taken));
    }
    return out;
  }
}
