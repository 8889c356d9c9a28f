package dev.d2llm.distill;

import dev.d2llm.data.TrainingExample;
import dev.d2llm.teacher.TextPair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Every step of a training run, fixed by the seed before training starts: each batch holds examples
 * of one data set only, and each example brings K hard negatives sampled from its mined list. The
 * teacher pairs the losses need follow from the plan, so they can be scored ahead, and a resumed
 * run replays the same steps.
 */
public record BatchPlan(List<Step> steps) {

  /**
   * One step: the data set, the examples (indices into the example list) and their sampled
   * negatives.
   */
  public record Step(String dataset, int[] examples, List<List<String>> negatives) {}

  public BatchPlan {
    steps = List.copyOf(steps);
  }

  /**
   * Plans {@code epochs} passes: per epoch each data set's examples are shuffled and cut into
   * batches of {@code batchSize} (a remainder under 2 examples is dropped: in-batch negatives need
   * two), and the batches of all data sets are shuffled together.
   */
  public static BatchPlan of(
      List<TrainingExample> examples, int batchSize, int negatives, int epochs, long seed) {
    if (batchSize < 2 || negatives < 1 || epochs < 1) {
      throw new IllegalArgumentException(
          "need batch size >= 2, negatives >= 1, epochs >= 1; found "
              + batchSize
              + ", "
              + negatives
              + ", "
              + epochs);
    }
    Map<String, List<Integer>> byDataset = new LinkedHashMap<>();
    for (int i = 0; i < examples.size(); i++) {
      TrainingExample e = examples.get(i);
      if (e.negatives().isEmpty()) {
        throw new IllegalArgumentException(
            "example " + i + " of '" + e.dataset() + "' has no hard negatives; mine them first");
      }
      byDataset.computeIfAbsent(e.dataset(), k -> new ArrayList<>()).add(i);
    }
    Random random = new Random(seed);
    List<Step> steps = new ArrayList<>();
    for (int epoch = 0; epoch < epochs; epoch++) {
      List<Step> epochSteps = new ArrayList<>();
      for (Map.Entry<String, List<Integer>> d : byDataset.entrySet()) {
        List<Integer> order = new ArrayList<>(d.getValue());
        Collections.shuffle(order, random);
        for (int start = 0; start + 2 <= order.size(); start += batchSize) {
          List<Integer> chunk = order.subList(start, Math.min(order.size(), start + batchSize));
          int[] idx = chunk.stream().mapToInt(Integer::intValue).toArray();
          List<List<String>> negs = new ArrayList<>();
          for (int i : idx) {
            negs.add(sample(examples.get(i).negatives(), negatives, random));
          }
          epochSteps.add(new Step(d.getKey(), idx, negs));
        }
      }
      Collections.shuffle(epochSteps, random);
      steps.addAll(epochSteps);
    }
    return new BatchPlan(steps);
  }

  /** K negatives without replacement when the list has K, else every one and then repeats. */
  private static List<String> sample(List<String> pool, int k, Random random) {
    List<String> shuffled = new ArrayList<>(pool);
    Collections.shuffle(shuffled, random);
    List<String> out = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      out.add(shuffled.get(i % shuffled.size()));
    }
    return out;
  }

  /**
   * Every (query, text) pair the teacher must judge for this plan: positives, hard negatives,
   * in-batch positives.
   */
  public Set<TextPair> teacherPairs(List<TrainingExample> examples) {
    Set<TextPair> pairs = new LinkedHashSet<>();
    for (Step s : steps) {
      for (int r = 0; r < s.examples().length; r++) {
        String q = examples.get(s.examples()[r]).query();
        for (int c : s.examples()) {
          pairs.add(new TextPair(q, examples.get(c).positive()));
        }
        for (String n : s.negatives().get(r)) {
          pairs.add(new TextPair(q, n));
        }
      }
    }
    return pairs;
  }

  /** Every distinct text the student reads in this plan. */
  public Set<String> texts(List<TrainingExample> examples) {
    Set<String> texts = new LinkedHashSet<>();
    for (Step s : steps) {
      for (int r = 0; r < s.examples().length; r++) {
        texts.add(examples.get(s.examples()[r]).query());
        texts.add(examples.get(s.examples()[r]).positive());
        texts.addAll(s.negatives().get(r));
      }
    }
    return texts;
  }
}
