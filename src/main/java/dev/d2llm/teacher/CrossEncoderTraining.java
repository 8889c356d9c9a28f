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
 * each epoch it scores the dev pairs and saves the teacher when dev Spearman improves.
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
   * Trains {@code teacher} in place; the best epoch by dev Spearman is saved to {@code out}.
   * Returns that Spearman.
   */
  public static double train(
      CrossEncoderTeacher teacher,
      List<ScoredPair> train,
      List<ScoredPair> dev,
      Options o,
      Path out,
      Listener listener) {
    Map<String, Parameter> params = teacher.parameters();
    params.values().forEach(p -> p.getArray().setRequiresGradient(true));
    AdamW adam = new AdamW(params, 0.9f, 0.999f, 1e-6f, o.weightDecay());
    long steps = (long) o.epochs() * ((train.size() + o.batchSize() - 1) / o.batchSize());
    LearningRateSchedule schedule =
        new LearningRateSchedule(o.learningRate(), (long) (steps * o.warmupFraction()), steps);
    List<TokenPair> encoded = teacher.encode(train.stream().map(ScoredPair::pair).toList());
    Random random = new Random(o.seed());
    double best = Double.NEGATIVE_INFINITY;
    long step = 0;
    for (int epoch = 1; epoch <= o.epochs(); epoch++) {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < train.size(); i++) {
        order.add(i);
      }
      Collections.shuffle(order, random);
      for (int start = 0; start < order.size(); start += o.batchSize()) {
        List<Integer> idx = order.subList(start, Math.min(order.size(), start + o.batchSize()));
        float[] targets = new float[idx.size()];
        for (int i = 0; i < targets.length; i++) {
          targets[i] = train.get(idx.get(i)).target();
        }
        double loss;
        try (NDManager scope = teacher.model().manager().newSubManager();
            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          NDArray logits =
              teacher
                  .forward(scope, teacher.batch(idx.stream().map(encoded::get).toList()), true)[0];
          NDArray l = softTargetCrossEntropy(logits, scope.create(targets));
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
