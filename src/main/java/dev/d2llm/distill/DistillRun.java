package dev.d2llm.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.d2llm.checkpoint.HostTensor;
import dev.d2llm.checkpoint.SafetensorsFile;
import dev.d2llm.checkpoint.SafetensorsWriter;
import dev.d2llm.report.LossCurve;
import dev.d2llm.store.LocalFiles;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A whole training run into an output directory: every planned step, validation every N steps with
 * the best student saved to {@code best/}, early stopping, a metrics log ({@code metrics.csv}) and
 * its plot ({@code loss.png}), and a checkpoint ({@code checkpoint/}: trainable weights, optimizer
 * moments, step) every N steps from which a killed run resumes at the step after it.
 */
public final class DistillRun {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Distiller distiller;
  private final Student student;
  private final BatchPlan plan;
  private final DistillOptions options;
  private final Map<String, Parameter> trainable;
  private final ToDoubleFunction<Student> validation;
  private final Path out;

  /** Set once a loss plot could not be drawn (no fonts): said once, then not tried again. */
  private boolean plotProblemReported;

  public DistillRun(
      Distiller distiller,
      Student student,
      BatchPlan plan,
      DistillOptions options,
      Map<String, Parameter> trainable,
      ToDoubleFunction<Student> validation,
      Path out) {
    this.distiller = distiller;
    this.student = student;
    this.plan = plan;
    this.options = options;
    this.trainable = trainable;
    this.validation = validation;
    this.out = out;
  }

  /** Runs (or resumes) the plan; returns the best validation score. */
  public double run(DistillListener listener) {
    try {
      Files.createDirectories(out);
      State state = resume();
      Path metrics = out.resolve("metrics.csv");
      if (state.step == 0) {
        Files.writeString(
            metrics, "step,lr_step,total,in_batch,ci,ri_pearson,ri_pairwise,fi,pi,validation\n");
      } else {
        truncateLog(metrics, state.step);
      }
      try (Writer log =
          Files.newBufferedWriter(metrics, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
        if (state.step == 0) {
          // The starting point is a candidate too: selection never ships a student below it (a
          // residual student starts as its backbone's zero-shot bi-encoder).
          double start = validation.applyAsDouble(student);
          state.start = start;
          state.best = start;
          StudentFiles.save(student, out.resolve("best"));
          listener.validated(0, start, true);
          log.write(String.format(Locale.ROOT, "0,0,,,,,,,,%.4f%n", start));
          log.flush();
        }
        for (long step = state.step + 1; step <= plan.steps().size(); step++) {
          Map<String, Float> losses = distiller.step(plan.steps().get((int) step - 1));
          listener.step(step, plan.steps().size(), losses);
          String validated = "";
          boolean last = step == plan.steps().size();
          if (step % options.validateEvery() == 0 || last) {
            double score = validation.applyAsDouble(student);
            boolean best = score > state.best;
            if (best) {
              state.best = score;
              state.bestStep = step;
              state.bad = 0;
              StudentFiles.save(student, out.resolve("best"));
            } else {
              state.bad++;
            }
            validated = String.format(Locale.ROOT, "%.4f", score);
            listener.validated(step, score, best);
          }
          log.write(
              String.format(
                  Locale.ROOT,
                  "%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%s%n",
                  step,
                  distiller.optimizer().stepCount(),
                  losses.get("total"),
                  losses.get("inBatch"),
                  losses.get("contrastiveImitation"),
                  losses.get("rankCorrelation"),
                  losses.get("rankPairwise"),
                  losses.get("featureImitation"),
                  losses.get("pointwiseImitation"),
                  validated));
          log.flush();
          state.step = step;
          if (step % options.checkpointEvery() == 0 || last) {
            checkpoint(state);
            if (!plotProblemReported) {
              LossCurve.tryWrite(
                      metrics, out.resolve("loss.png"), "distillation: " + out.getFileName())
                  .ifPresent(
                      why -> {
                        plotProblemReported = true;
                        System.err.println("distill: " + why);
                      });
            }
          }
          if (state.bad >= options.patience()) {
            break;
          }
        }
      }
      writeSelection(state);
      return state.best;
    } catch (IOException e) {
      throw new UncheckedIOException("distillation run in " + out + " failed to write", e);
    }
  }

  private static final class State {
    long step;
    double start = Double.NaN;
    double best = Double.NEGATIVE_INFINITY;
    long bestStep;
    int bad;
  }

  /** What model selection chose, beside the run's metrics: {@code selection.json}. */
  public record Selection(double start, double best, long bestStep) {
    /** Whether a trained checkpoint beat the starting point on validation. */
    public boolean improved() {
      return bestStep > 0;
    }
  }

  /** The selection a finished run wrote ({@code OUT/selection.json}). */
  public static Selection selection(Path out) {
    try {
      JsonNode s = JSON.readTree(out.resolve("selection.json").toFile());
      return new Selection(
          s.path("start_validation").asDouble(Double.NaN),
          s.path("best_validation").asDouble(),
          s.path("best_step").asLong());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the selection of the run in " + out, e);
    }
  }

  private void writeSelection(State state) throws IOException {
    ObjectNode s = JSON.createObjectNode();
    s.put("start_validation", state.start);
    s.put("best_validation", state.best);
    s.put("best_step", state.bestStep);
    s.put("improved", state.bestStep > 0);
    JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve("selection.json").toFile(), s);
  }

  private void checkpoint(State state) throws IOException {
    Path dir = out.resolve("checkpoint");
    Path tmp = out.resolve("checkpoint.tmp");
    Files.createDirectories(tmp);
    Map<String, HostTensor> weights = new LinkedHashMap<>();
    trainable.forEach((n, p) -> weights.put(n, host(p.getArray())));
    SafetensorsWriter.write(tmp.resolve("trainable.safetensors"), weights, Map.of("format", "pt"));
    Map<String, HostTensor> moments = new LinkedHashMap<>();
    distiller.optimizer().state().forEach((n, a) -> moments.put(n, host(a)));
    SafetensorsWriter.write(tmp.resolve("optimizer.safetensors"), moments, Map.of("format", "pt"));
    ObjectNode s = JSON.createObjectNode();
    s.put("step", state.step);
    s.put("optimizer_steps", distiller.optimizer().stepCount());
    s.put("best", state.best);
    s.put("start", state.start);
    s.put("best_step", state.bestStep);
    s.put("bad_validations", state.bad);
    s.put("plan_steps", plan.steps().size());
    JSON.writeValue(tmp.resolve("state.json").toFile(), s);
    // Swap in whole: a kill during the write leaves the previous checkpoint intact.
    if (Files.exists(dir)) {
      LocalFiles.deleteTree(dir);
    }
    Files.move(tmp, dir);
  }

  private State resume() throws IOException {
    State state = new State();
    Path dir = out.resolve("checkpoint");
    if (!Files.isRegularFile(dir.resolve("state.json"))) {
      return state;
    }
    JsonNode s = JSON.readTree(dir.resolve("state.json").toFile());
    if (s.path("plan_steps").asLong() != plan.steps().size()) {
      throw new IllegalStateException(
          "checkpoint in "
              + dir
              + " is for a plan of "
              + s.path("plan_steps").asLong()
              + " steps, this run plans "
              + plan.steps().size()
              + "; resume with the same options or use a new --out");
    }
    state.step = s.path("step").asLong();
    state.best = s.path("best").asDouble();
    state.start = s.path("start").asDouble(Double.NaN);
    state.bestStep = s.path("best_step").asLong();
    state.bad = s.path("bad_validations").asInt();
    try (SafetensorsFile w = SafetensorsFile.open(dir.resolve("trainable.safetensors"))) {
      for (Map.Entry<String, Parameter> e : trainable.entrySet()) {
        NDArray a = e.getValue().getArray();
        a.set(java.nio.FloatBuffer.wrap(w.floats(e.getKey())));
      }
    }
    Map<String, float[]> moments = new HashMap<>();
    try (SafetensorsFile m = SafetensorsFile.open(dir.resolve("optimizer.safetensors"))) {
      for (String name : m.names()) {
        moments.put(name, m.floats(name));
      }
    }
    distiller.optimizer().restore(moments, s.path("optimizer_steps").asLong(), student.manager());
    return state;
  }

  /** Drops the lines of steps after the checkpoint: they are replayed. */
  private static void truncateLog(Path metrics, long step) throws IOException {
    java.util.List<String> lines = Files.readAllLines(metrics);
    java.util.List<String> kept = new java.util.ArrayList<>(lines.subList(0, 1));
    for (String line : lines.subList(1, lines.size())) {
      if (Long.parseLong(line.substring(0, line.indexOf(','))) <= step) {
        kept.add(line);
      }
    }
    Files.write(metrics, kept);
  }

  private static HostTensor host(NDArray a) {
    return HostTensor.ofFloats(a.toFloatArray(), a.getShape().getShape());
  }
}
