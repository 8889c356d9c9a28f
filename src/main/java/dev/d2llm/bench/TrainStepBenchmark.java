package dev.d2llm.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.d2llm.nn.Scalars;
import dev.d2llm.student.Student;
import dev.d2llm.train.AdamW;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Speed of a student's training step without the data pipeline around it: the backbone with its
 * LoRA adapters and PMA pooling over a batch of queries and a batch of passages (random token ids
 * of fixed lengths, no padding), an in-batch softmax over the cosine similarities, backward and
 * AdamW on LoRA and PMA. gpu/bench_train.py runs the same step with transformers and PEFT.
 */
public final class TrainStepBenchmark {

  /** Temperature of the in-batch softmax. */
  static final float TEMPERATURE = 0.05f;

  /** The shape of a step. */
  public record StepShape(int batch, int queryLength, int passageLength) {

    public StepShape {
      if (batch < 2 || queryLength < 1 || passageLength < 1) {
        throw new IllegalArgumentException(
            "need batch >= 2 and lengths >= 1, found "
                + batch
                + ", "
                + queryLength
                + ", "
                + passageLength);
      }
    }

    /** Tokens one step reads. */
    public long tokens() {
      return (long) batch * (queryLength + passageLength);
    }
  }

  /** The median step time after warm-up, and the last step's loss. */
  public record Result(StepShape shape, int timedSteps, double medianStepSeconds, double lastLoss) {

    public double stepsPerSecond() {
      return 1 / medianStepSeconds;
    }

    public double tokensPerSecond() {
      return shape.tokens() / medianStepSeconds;
    }
  }

  private TrainStepBenchmark() {}

  /** Runs {@code warmup} untimed steps, then {@code steps} timed ones; the median counts. */
  public static Result run(Student student, StepShape shape, int steps, int warmup, long seed) {
    if (steps < 1 || warmup < 0) {
      throw new IllegalArgumentException(
          "need steps >= 1 and warmup >= 0, found " + steps + ", " + warmup);
    }
    Map<String, Parameter> trainable = new LinkedHashMap<>(student.trainableParameters());
    trainable.keySet().removeIf(n -> n.startsWith("iem.") || n.startsWith("pooling."));
    trainable.values().forEach(p -> p.getArray().setRequiresGradient(true));
    AdamW adam = AdamW.defaults(trainable);
    Random random = new Random(seed);
    int vocab = student.backbone().config().vocabSize();
    double[] seconds = new double[steps];
    double loss = Double.NaN;
    try {
      for (int s = 0; s < warmup + steps; s++) {
        long[] q = randomIds(random, vocab, shape.batch() * shape.queryLength());
        long[] p = randomIds(random, vocab, shape.batch() * shape.passageLength());
        long start = System.nanoTime();
        try (NDManager scope = student.manager().newSubManager();
            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          NDArray l = inBatchLoss(student, scope, q, p, shape);
          collector.backward(l);
          loss = l.getFloat(); // Waits for the device.
        }
        adam.step(1e-4f);
        if (s >= warmup) {
          seconds[s - warmup] = (System.nanoTime() - start) / 1e9;
        }
      }
    } finally {
      trainable.values().forEach(p -> p.getArray().setRequiresGradient(false));
    }
    Arrays.sort(seconds);
    return new Result(shape, steps, seconds[steps / 2], loss);
  }

  private static NDArray inBatchLoss(
      Student student, NDManager scope, long[] q, long[] p, StepShape shape) {
    NDArray qv = encode(student, scope, q, shape.batch(), shape.queryLength());
    NDArray pv = encode(student, scope, p, shape.batch(), shape.passageLength());
    NDArray logits = Scalars.div(unit(qv).matMul(unit(pv).transpose()), TEMPERATURE); // [B,B]
    NDArray eye = scope.eye(shape.batch());
    return Scalars.div(logits.logSoftmax(1).mul(eye).sum().neg(), shape.batch());
  }

  private static NDArray encode(
      Student student, NDManager scope, long[] ids, int rows, int length) {
    NDArray idArray =
        scope.create(ids, new Shape(rows, length)); // The scope lives on the student's device.
    NDArray mask = scope.ones(new Shape(rows, length), DataType.INT64);
    return student.encode(null, idArray, mask, true);
  }

  private static NDArray unit(NDArray x) {
    return x.div(Scalars.add(x.square().sum(new int[] {1}, true).sqrt(), 1e-12));
  }

  private static long[] randomIds(Random random, int vocab, int n) {
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = random.nextInt(vocab);
    }
    return ids;
  }
}
