package dev.d2llm.teacher;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.d2llm.eval.Metrics;
import dev.d2llm.nn.Scalars;
import dev.d2llm.student.Branch;
import dev.d2llm.text.TokenPair;
import dev.d2llm.train.AdamW;
import dev.d2llm.train.GradientClipping;
import dev.d2llm.train.LearningRateSchedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Fine-tunes a cross-encoder teacher on labelled pairs: binary cross-entropy against soft targets
 * (STS scores rescaled to [0, 1], or 0/1 labels), AdamW, linear warm-up and decay, clipping; after
 * each epoch it scores the dev pairs and saves the teacher when dev Spearman improves. The listwise
 * objective ({@link #trainListwise}) trains on groups instead: one query's positive and its hard
 * negatives, ranked against each other by a softmax (Gao et al. 2021's localized contrastive
 * estimation), the pointwise loss kept beside it so that scores stay probabilities.
 */
public final class CrossEncoderTraining {

  /** How to train. */
  public record Options(
      int epochs,
      int batchSize,
      float learningRate,
      float warmupFraction,
      float weightDecay,
      double clipNorm,
      long seed) {

    /**
     * Settings that fine-tune small BERT cross-encoders well: 3 epochs, batch 16, lr 2e-5, 10%
     * warm-up.
     */
    public static Options defaults() {
      return new Options(3, 16, 2e-5f, 0.1f, 0.01f, 1.0, 2023);
    }

    public Options {
      if (epochs < 1
          || batchSize < 1
          || !(learningRate > 0)
          || warmupFraction < 0
          || warmupFraction > 1) {
        throw new IllegalArgumentException(
            "need epochs >= 1, batch >= 1, lr > 0, warm-up in [0, 1]; found "
                + epochs
                + ", "
                + batchSize
                + ", "
                + learningRate
                + ", "
                + warmupFraction);
      }
    }
  }

  /** What training reports: each step's loss, each epoch's dev score. */
  public interface Listener {
    void step(long step, long totalSteps, double loss);

    void epoch(int epoch, double devSpearman, boolean saved);
  }

  private CrossEncoderTraining() {}

  /**
   * Trains {@code teacher} in place on single pairs (pointwise); the best epoch by dev Spearman is
   * saved to {@code out}. Returns that Spearman.
   */
  public static double train(
      CrossEncoderTeacher teacher,
      List<ScoredPair> train,
      List<ScoredPair> dev,
      Options o,
      Path out,
      Listener listener) {
    return run(teacher, train.stream().map(List::of).toList(), false, dev, o, out, listener);
  }

  /**
   * Trains {@code teacher} in place on groups of equal size (listwise), {@code o.batchSize()}
   * groups a step: per group, the cross-entropy of the softmax over its logits against its targets
   * normalised to sum 1, plus the pointwise loss of its pairs. The best epoch by dev Spearman is
   * saved to {@code out}. Returns that Spearman.
   */
  public static double trainListwise(
      CrossEncoderTeacher teacher,
      List<List<ScoredPair>> groups,
      List<ScoredPair> dev,
      Options o,
      Path out,
      Listener listener) {
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("listwise training needs at least one group");
    }
    int size = groups.get(0).size();
    for (int g = 0; g < groups.size(); g++) {
      List<ScoredPair> group = groups.get(g);
      if (group.size() != size || size < 2) {
        throw new IllegalArgumentException(
            "listwise groups must all hold the same number (>= 2) of pairs; group 0 has "
                + size
                + ", group "
                + g
                + " has "
                + group.size());
      }
      if (!(group.stream().mapToDouble(ScoredPair::target).sum() > 0)) {
        throw new IllegalArgumentException("listwise group " + g + " has no positive target");
      }
    }
    return run(teacher, groups, true, dev, o, out, listener);
  }

  private static double run(
      CrossEncoderTeacher teacher,
      List<List<ScoredPair>> groups,
      boolean listwise,
      List<ScoredPair> dev,
      Options o,
      Path out,
      Listener listener) {
    Map<String, Parameter> params = teacher.parameters();
    params.values().forEach(p -> p.getArray().setRequiresGradient(true));
    AdamW adam = new AdamW(params, 0.9f, 0.999f, 1e-6f, o.weightDecay());
    long steps = (long) o.epochs() * ((groups.size() + o.batchSize() - 1) / o.batchSize());
    LearningRateSchedule schedule =
        new LearningRateSchedule(o.learningRate(), (long) (steps * o.warmupFraction()), steps);
    List<List<TokenPair>> encoded =
        groups.stream()
            .map(g -> teacher.encode(g.stream().map(ScoredPair::pair).toList()))
            .toList();
    int groupSize = listwise ? groups.get(0).size() : 1;
    Random random = new Random(o.seed());
    double best = Double.NEGATIVE_INFINITY;
    long step = 0;
    for (int epoch = 1; epoch <= o.epochs(); epoch++) {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < groups.size(); i++) {
        order.add(i);
      }
      Collections.shuffle(order, random);
      for (int start = 0; start < order.size(); start += o.batchSize()) {
        List<Integer> idx = order.subList(start, Math.min(order.size(), start + o.batchSize()));
        List<TokenPair> pairs = new ArrayList<>();
        float[] targets = new float[idx.size() * groupSize];
        int at = 0;
        for (int i : idx) {
          pairs.addAll(encoded.get(i));
          for (ScoredPair p : groups.get(i)) {
            targets[at++] = p.target();
          }
        }
        double loss;
        try (NDManager scope = teacher.model().manager().newSubManager();
            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          NDArray logits = teacher.forward(scope, teacher.batch(pairs), true)[0];
          NDArray t = scope.create(targets);
          NDArray l = softTargetCrossEntropy(logits, t);
          if (listwise) {
            l = l.add(groupSoftmaxCrossEntropy(logits, t, groupSize));
          }
          collector.backward(l);
          loss = l.getFloat();
        }
        GradientClipping.clipGlobalNorm(params.values(), o.clipNorm());
        step++;
        adam.step(schedule.at(step));
        listener.step(step, steps, loss);
      }
      double spearman = devSpearman(teacher, dev);
      boolean improved = spearman > best;
      if (improved) {
        best = spearman;
        teacher.save(out);
      }
      listener.epoch(epoch, spearman, improved);
    }
    params.values().forEach(p -> p.getArray().setRequiresGradient(false));
    return best;
  }

  /**
   * Mean over groups of {@code -sum_i p_i log softmax(z)_i}, where the logits and targets come in
   * consecutive groups of {@code groupSize} and {@code p} is a group's targets divided by their
   * sum.
   */
  public static NDArray groupSoftmaxCrossEntropy(NDArray logits, NDArray targets, int groupSize) {
    NDArray z = logits.reshape(-1, groupSize);
    NDArray t = targets.reshape(-1, groupSize);
    NDArray p = t.div(t.sum(new int[] {1}, true));
    return p.mul(z.logSoftmax(1)).sum(new int[] {1}).mean().neg();
  }

  /**
   * Mean binary cross-entropy of logits against soft targets, {@code softplus(z) - t z}, in a
   * stable form.
   */
  public static NDArray softTargetCrossEntropy(NDArray logits, NDArray targets) {
    NDArray softplus =
        Scalars.maximum(logits, 0).add(Scalars.add(logits.abs().neg().exp(), 1).log());
    return softplus.sub(targets.mul(logits)).mean();
  }

  /** Spearman of the teacher's scores against the dev targets. */
  public static double devSpearman(CrossEncoderTeacher teacher, List<ScoredPair> dev) {
    List<Judgement> j =
        teacher.judge(dev.stream().map(ScoredPair::pair).toList(), Branch.SYMMETRIC, n -> {});
    double[] predicted = new double[dev.size()];
    double[] gold = new double[dev.size()];
    for (int i = 0; i < dev.size(); i++) {
      predicted[i] = j.get(i).score();
      gold[i] = dev.get(i).target();
    }
    return Metrics.spearman(predicted, gold);
  }
}
