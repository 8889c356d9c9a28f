package dev.d2llm.distill;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.d2llm.data.TrainingExample;
import dev.d2llm.distill.loss.DistillationBatch;
import dev.d2llm.distill.loss.LossParts;
import dev.d2llm.embedding.TextRole;
import dev.d2llm.nn.Scalars;
import dev.d2llm.student.Branch;
import dev.d2llm.student.InteractionEmulation;
import dev.d2llm.student.Student;
import dev.d2llm.teacher.Judgement;
import dev.d2llm.teacher.TeacherScoreCache;
import dev.d2llm.teacher.TextPair;
import dev.d2llm.train.AdamW;
import dev.d2llm.train.GradientClipping;
import dev.d2llm.train.LearningRateSchedule;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One D2LLM training step after another along a {@link BatchPlan}: student vectors through PMA, IEM
 * logits for in-batch, positive and hard-negative pairs, teacher judgements from the cache, the
 * combined loss, clipping and an AdamW update.
 */
public final class Distiller {

  private final Student student;
  private final List<TrainingExample> examples;
  private final TokenStates states;
  private final TeacherScoreCache teacherCache;
  private final String teacher;
  private final Map<String, Branch> branches;
  private final DistillOptions options;
  private final Map<String, Parameter> trainable;
  private final AdamW adam;
  private final LearningRateSchedule schedule;
  private final List<Replica> replicas = new ArrayList<>();
  private TeacherSignal signal = TeacherSignal.PROBABILITIES;
  private long steps;
  private long stepNanos;
  private long syncNanos;

  /**
   * Where a run's training time went in this process: steps taken, their seconds, and of those the
   * seconds spent copying weights to the data-parallel copies and gathering their gradients.
   */
  public record Timing(long steps, double stepSeconds, double syncSeconds, int workers) {

    public double stepsPerSecond() {
      return steps / stepSeconds;
    }
  }

  public Distiller(
      Student student,
      List<TrainingExample> examples,
      TokenStates states,
      TeacherScoreCache teacherCache,
      String teacher,
      Map<String, Branch> branches,
      DistillOptions options,
      Map<String, Parameter> trainable,
      long totalSteps) {
    this.student = student;
    this.examples = examples;
    this.states = states;
    this.teacherCache = teacherCache;
    this.teacher = teacher;
    this.branches = branches;
    this.options = options;
    this.trainable = trainable;
    trainable.values().forEach(p -> p.getArray().setRequiresGradient(true));
    this.adam = AdamW.defaults(trainable);
    long warmup = Math.min(options.warmupSteps(), Math.max(1, totalSteps / 10));
    this.schedule = new LearningRateSchedule(options.learningRate(), warmup, totalSteps);
  }

  /**
   * Spreads every later step over the main student and {@code copies} (data parallelism): the batch
   * is cut into one shard per worker (each of at least two examples), each worker encodes its
   * shard's texts on its own device, and the vectors are gathered on the main student's device,
   * where the IEM and the loss see the whole batch (every in-batch negative, as on one device): the
   * same objective as without copies. Backward flows through the gather to each copy; the copies'
   * gradients are summed into the main student's, which alone is clipped and updated, and the
   * copies take its weights before each step. A copy that is the main student itself encodes the
   * batch in several passes on one device.
   *
   * @param copies students built like the main one (same files and seed), usually on other devices,
   *     each with the token states it reads
   */
  public void spreadOver(List<Replica> copies) {
    for (Replica copy : copies) {
      for (String name : trainable.keySet()) {
        if (!copy.student().trainableParameters().containsKey(name)) {
          throw new IllegalArgumentException(
              "a data-parallel copy of the student lacks the parameter '" + name + "'");
        }
      }
    }
    for (Replica copy : copies) {
      if (copy.student() != student) {
        Map<String, Parameter> theirs = copy.student().trainableParameters();
        trainable.keySet().forEach(name -> theirs.get(name).getArray().setRequiresGradient(true));
      }
    }
    replicas.clear();
    replicas.addAll(copies);
  }

  /**
   * Reads the teacher through {@code signal} from the next step on: its probabilities (the default)
   * or their log-odds, fused or not with the student's own cosine, taken without gradient. With a
   * frozen pooling that cosine is the start's (for a student on a fine-tuned bi-encoder, the
   * bi-encoder's). Pointwise imitation needs probabilities, so it refuses log-odds.
   */
  public void readTeacherAs(TeacherSignal signal) {
    if (signal.logOdds() && options.loss().lambda() > 0) {
      throw new IllegalArgumentException(
          "pointwise imitation (--pointwise) compares probabilities: it cannot read the teacher's"
              + " log-odds");
    }
    this.signal = signal;
  }

  /**
   * Trains on one planned step and returns the loss parts as numbers (averaged over shards when
   * spread).
   */
  public Map<String, Float> step(BatchPlan.Step step) {
    Branch branch = branchOf(step.dataset());
    List<Replica> workers = new ArrayList<>();
    workers.add(new Replica(student, states));
    workers.addAll(replicas);
    List<BatchPlan.Step> shards = shards(step, workers.size());
    long start = System.nanoTime();
    syncCopies(workers.subList(1, shards.size()));
    long synced = System.nanoTime();
    Map<String, Float> values;
    List<NDManager> scopes = new ArrayList<>();
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDManager main = student.manager().newSubManager();
      scopes.add(main);
      NDArray vectors =
          shards.size() == 1
              ? vectors(main, workers.get(0), step, branch, true)
              : gatheredVectors(main, workers, shards, branch, scopes);
      LossParts parts = options.loss().compute(score(main, vectors, step, branch, true));
      collector.backward(parts.total());
      values = new LinkedHashMap<>(parts.values());
    } finally {
      scopes.forEach(NDManager::close);
    }
    long computed = System.nanoTime();
    gatherGradients(workers.subList(1, shards.size()));
    long gathered = System.nanoTime();
    GradientClipping.clipGlobalNorm(trainable.values(), options.clipNorm());
    adam.step(schedule.at(adam.stepCount() + 1));
    steps++;
    stepNanos += System.nanoTime() - start;
    syncNanos += (synced - start) + (gathered - computed);
    return values;
  }

  /** The training time of this process's steps so far. */
  public Timing timing() {
    return new Timing(steps, stepNanos / 1e9, syncNanos / 1e9, 1 + replicas.size());
  }

  /**
   * Each worker's vectors of its shard, brought to the main student's device (a differentiable
   * copy, so that backward reaches every worker's weights) and laid out as one batch's: every
   * query, then every positive, then every negative, in the step's order.
   */
  private NDArray gatheredVectors(
      NDManager main,
      List<Replica> workers,
      List<BatchPlan.Step> shards,
      Branch branch,
      List<NDManager> scopes) {
    NDList queries = new NDList();
    NDList positives = new NDList();
    NDList negatives = new NDList();
    for (int i = 0; i < shards.size(); i++) {
      Replica worker = workers.get(i);
      NDManager scope = main;
      if (worker.student() != student) {
        scope = worker.student().manager().newSubManager();
        scopes.add(scope);
      }
      NDArray v = vectors(scope, worker, shards.get(i), branch, true);
      if (!v.getDevice().equals(main.getDevice())) {
        v = v.toDevice(main.getDevice(), false);
      }
      long b = shards.get(i).examples().length;
      queries.add(v.get("0:{}", b));
      positives.add(v.get("{}:{}", b, 2 * b));
      negatives.add(v.get("{}:", 2 * b));
    }
    NDList all = new NDList();
    all.addAll(queries);
    all.addAll(positives);
    all.addAll(negatives);
    return NDArrays.concat(all, 0);
  }

  /**
   * {@code step} cut into {@code parts} contiguous shards of near-equal size, fewer if a shard
   * would get under two examples.
   */
  static List<BatchPlan.Step> shards(BatchPlan.Step step, int parts) {
    int b = step.examples().length;
    int n = Math.max(1, Math.min(parts, b / 2));
    if (n == 1) {
      return List.of(step);
    }
    List<BatchPlan.Step> shards = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int from = (int) ((long) b * i / n);
      int to = (int) ((long) b * (i + 1) / n);
      shards.add(
          new BatchPlan.Step(
              step.dataset(),
              java.util.Arrays.copyOfRange(step.examples(), from, to),
              step.negatives().subList(from, to)));
    }
    return shards;
  }

  /** Copies the main student's trainable weights into each distinct copy. */
  private void syncCopies(List<Replica> copies) {
    for (Replica copy : copies) {
      if (copy.student() == student) {
        continue;
      }
      Map<String, Parameter> theirs = copy.student().trainableParameters();
      trainable.forEach(
          (name, p) ->
              theirs.get(name).getArray().set(FloatBuffer.wrap(p.getArray().toFloatArray())));
    }
  }

  /** Adds each distinct copy's gradients to the main student's and clears them on the copy. */
  private void gatherGradients(List<Replica> copies) {
    for (Replica copy : copies) {
      if (copy.student() == student) {
        continue; // Accumulated in place by autograd already.
      }
      Map<String, Parameter> theirs = copy.student().trainableParameters();
      for (Map.Entry<String, Parameter> e : trainable.entrySet()) {
        NDArray mine = e.getValue().getArray();
        try (NDManager scope = mine.getManager().newSubManager()) {
          NDArray total = mine.getGradient();
          NDArray part = theirs.get(e.getKey()).getArray().getGradient();
          total.attach(scope);
          part.attach(scope);
          total.addi(part.toDevice(mine.getDevice(), true));
          Scalars.muli(part, 0);
        }
      }
    }
  }

  /** The loss of a step without training (for validation or inspection). */
  public Map<String, Float> evaluate(BatchPlan.Step step) {
    try (NDManager scope = student.manager().newSubManager()) {
      return options.loss().compute(batch(scope, step, branchOf(step.dataset()), false)).values();
    }
  }

  DistillationBatch batch(NDManager scope, BatchPlan.Step step, Branch branch, boolean training) {
    return score(
        scope,
        vectors(scope, new Replica(student, states), step, branch, training),
        step,
        branch,
        training);
  }

  /**
   * The worker's student vectors of a step's texts [B + B + B*K, d]: its queries, positives, then
   * hard negatives.
   */
  private NDArray vectors(
      NDManager scope, Replica worker, BatchPlan.Step step, Branch branch, boolean training) {
    Student student = worker.student();
    TokenStates states = worker.states();
    TextRole queryRole = queryRole(branch);
    TextRole passageRole = passageRole(branch);
    List<String> texts = new ArrayList<>();
    for (int i : step.examples()) {
      texts.add(student.inputText(examples.get(i).query(), queryRole));
    }
    for (int i : step.examples()) {
      texts.add(student.inputText(examples.get(i).positive(), passageRole));
    }
    step.negatives().forEach(ns -> ns.forEach(n -> texts.add(student.inputText(n, passageRole))));
    NDArray[] hm = states.of(scope, texts, training);
    return states.pooled() // [B + B + B*K, d]
        ? hm[0].squeeze(1)
        : student.pool(null, hm[0], hm[1], training);
  }

  /**
   * IEM logits of a step's pairs from its vectors (laid out as {@link #vectors}), with the
   * teacher's judgements.
   */
  private DistillationBatch score(
      NDManager scope, NDArray vectors, BatchPlan.Step step, Branch branch, boolean training) {
    int b = step.examples().length;
    int k = options.negatives();
    long d = vectors.getShape().get(1);
    NDArray q = vectors.get("0:{}", b);
    NDArray p = vectors.get("{}:{}", b, 2 * b);
    NDArray n = vectors.get("{}:", 2 * b).reshape(b, k, d);

    InteractionEmulation iem = student.iem();
    NDArray inBatch =
        iem.score(
                null,
                q.expandDims(1).broadcast(b, b, d),
                p.expandDims(0).broadcast(b, b, d),
                branch,
                training)
            .logits();
    InteractionEmulation.Output positive = iem.score(null, q, p, branch, training);
    InteractionEmulation.Output hard =
        iem.score(null, q.expandDims(1).broadcast(b, k, d), n, branch, training);
    NDArray easyIndex = scope.create(offDiagonal(b), new Shape(b, b - 1));
    NDArray easy = inBatch.gather(easyIndex, 1);
    NDArray features = positive.features().expandDims(1).concat(hard.features(), 1);

    float[] sPos = new float[b];
    float[] sHard = new float[b * k];
    float[] sEasy = new float[b * (b - 1)];
    List<float[]> tFeat = new ArrayList<>();
    boolean teacherFree = !options.loss().needsTeacher();
    for (int r = 0; r < b && teacherFree; r++) {
      tFeat.add(
          new float[1]); // the gold-label objective reads no teacher: zeros of the right shape
      for (int j = 0; j < k; j++) {
        tFeat.add(new float[1]);
      }
    }
    for (int r = 0; r < b && !teacherFree; r++) {
      TrainingExample ex = examples.get(step.examples()[r]);
      Judgement pos = judged(ex.query(), ex.positive(), branch);
      sPos[r] = signal.score(pos.score());
      tFeat.add(featureOf(pos));
      for (int j = 0; j < k; j++) {
        Judgement neg = judged(ex.query(), step.negatives().get(r).get(j), branch);
        sHard[r * k + j] = signal.score(neg.score());
        tFeat.add(featureOf(neg));
      }
      int e = 0;
      for (int c = 0; c < b; c++) {
        if (c != r) {
          sEasy[r * (b - 1) + e++] =
              signal.score(
                  judged(ex.query(), examples.get(step.examples()[c]).positive(), branch).score());
        }
      }
    }
    int tDim = tFeat.get(0).length;
    float[] flat = new float[tFeat.size() * tDim];
    for (int i = 0; i < tFeat.size(); i++) {
      System.arraycopy(tFeat.get(i), 0, flat, i * tDim, tDim);
    }
    NDArray teacherPos = scope.create(sPos);
    NDArray teacherHard = scope.create(sHard, new Shape(b, k));
    NDArray teacherEasy = scope.create(sEasy, new Shape(b, b - 1));
    double teacherCosineWeight = signal.cosineWeight();
    if (teacherCosineWeight > 0 && !teacherFree) {
      // The cosine the residual IEM itself computes, of vectors taken without gradient.
      NDArray qs = q.stopGradient();
      NDArray ps = p.stopGradient();
      teacherPos =
          teacherPos.add(Scalars.mul(InteractionEmulation.cosine(qs, ps), teacherCosineWeight));
      teacherHard =
          teacherHard.add(
              Scalars.mul(
                  InteractionEmulation.cosine(
                      qs.expandDims(1).broadcast(b, k, d), n.stopGradient()),
                  teacherCosineWeight));
      teacherEasy =
          teacherEasy.add(
              Scalars.mul(
                  InteractionEmulation.cosine(
                          qs.expandDims(1).broadcast(b, b, d), ps.expandDims(0).broadcast(b, b, d))
                      .gather(easyIndex, 1),
                  teacherCosineWeight));
    }
    return new DistillationBatch(
        inBatch,
        positive.logits(),
        teacherPos,
        hard.logits(),
        teacherHard,
        easy,
        teacherEasy,
        features,
        scope.create(flat, new Shape(b, k + 1, tDim)));
  }

  /**
   * Every text the backbone reads for {@code plan}, as {@link Student#inputText} gives it (a
   * residual student reads queries of the asymmetric branch with its query prefix): what a
   * token-state cache must hold.
   */
  public static Set<String> inputTexts(
      Student student,
      BatchPlan plan,
      List<TrainingExample> examples,
      Map<String, Branch> branches) {
    Set<String> out = new LinkedHashSet<>();
    for (BatchPlan.Step s : plan.steps()) {
      Branch branch = branches.getOrDefault(s.dataset(), Branch.SYMMETRIC);
      for (int r = 0; r < s.examples().length; r++) {
        TrainingExample ex = examples.get(s.examples()[r]);
        out.add(student.inputText(ex.query(), queryRole(branch)));
        out.add(student.inputText(ex.positive(), passageRole(branch)));
        s.negatives().get(r).forEach(n -> out.add(student.inputText(n, passageRole(branch))));
      }
    }
    return out;
  }

  /**
   * The role a query is embedded in on {@code branch}: a search query on the asymmetric one, a
   * plain text otherwise.
   */
  public static TextRole queryRole(Branch branch) {
    return branch == Branch.ASYMMETRIC ? TextRole.QUERY : TextRole.PLAIN;
  }

  /** The role a passage is embedded in on {@code branch}. */
  public static TextRole passageRole(Branch branch) {
    return branch == Branch.ASYMMETRIC ? TextRole.PASSAGE : TextRole.PLAIN;
  }

  /**
   * The teacher's feature of a judgement, for FI. A cache copied without features (scores alone, as
   * gpu/strip_features.py writes) serves a run without FI: zeros of width 1 then, as for the gold
   * objective.
   */
  private float[] featureOf(Judgement j) {
    if (j.feature().length > 0) {
      return j.feature();
    }
    if (options.loss().eta() > 0) {
      throw new IllegalStateException(
          "the teacher cache holds scores without features, and feature imitation (FI)"
              + " needs them: distil with --eta 0, or score with the teacher again into a full cache");
    }
    return new float[1];
  }

  private Judgement judged(String query, String passage, Branch branch) {
    Judgement j = teacherCache.get(teacher, branch, new TextPair(query, passage));
    if (j == null) {
      throw new IllegalStateException(
          "the teacher cache lacks a pair this plan needs; run 'd2llm teacher score'"
              + " with the same plan options (query '"
              + query
              + "')");
    }
    return j;
  }

  private Branch branchOf(String dataset) {
    Branch branch = branches.get(dataset);
    if (branch == null) {
      throw new IllegalArgumentException("no task (sym/asym) given for data set '" + dataset + "'");
    }
    return branch;
  }

  private static long[] offDiagonal(int b) {
    long[] idx = new long[b * (b - 1)];
    int i = 0;
    for (int r = 0; r < b; r++) {
      for (int c = 0; c < b; c++) {
        if (c != r) {
          idx[i++] = c;
        }
      }
    }
    return idx;
  }

  /** The optimizer, whose state a checkpoint saves. */
  public AdamW optimizer() {
    return adam;
  }
}
