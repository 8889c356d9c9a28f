package dev.d2llm.cli;

import static dev.d2llm.job.StepOption.Role.CACHE;
import static dev.d2llm.job.StepOption.Role.INPUT;
import static dev.d2llm.job.StepOption.Role.MODEL;
import static dev.d2llm.job.StepOption.Role.OUTPUT_DIR;
import static dev.d2llm.job.StepOption.Role.OUTPUT_FILE;
import static dev.d2llm.job.StepOption.Role.STORE;

import dev.d2llm.job.StepCatalog;
import dev.d2llm.job.StepKind;
import dev.d2llm.job.StepOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The steps a job may run: pipeline commands of this CLI, each with the options its picocli spec
 * declares (so a job accepts exactly what the command line does), plus what each place-valued
 * option means to the job: read, written, a cache, a store, or a model reference.
 */
final class JobSteps implements StepCatalog {

  /**
   * A step kind: its name in specs, its command words, the role of each place-valued option, its
   * report files.
   */
  private record Entry(
      String name,
      List<String> command,
      Map<String, StepOption.Role> roles,
      List<String> reportFiles) {}

  private static final List<Entry> ENTRIES =
      List.of(
          new Entry("pull", List.of("model", "pull"), Map.of("out", OUTPUT_DIR), List.of()),
          new Entry(
              "import-onnx",
              List.of("model", "import-onnx"),
              Map.of("onnx", INPUT, "tokenizer", INPUT, "out", OUTPUT_DIR),
              List.of()),
          new Entry(
              "mine",
              List.of("mine"),
              Map.of("data", INPUT, "retrieval", INPUT, "out", OUTPUT_FILE, "model", MODEL),
              List.of()),
          new Entry(
              "teacher-train",
              List.of("teacher", "train"),
              Map.of("base", MODEL, "train", INPUT, "dev", INPUT, "out", OUTPUT_DIR),
              List.of()),
          new Entry(
              "teacher-score",
              List.of("teacher", "score"),
              Map.of("examples", INPUT, "teacher", MODEL, "prompts", MODEL, "cache", CACHE),
              List.of()),
          new Entry(
              "student-init",
              List.of("student", "init"),
              Map.of("base", MODEL, "out", OUTPUT_DIR),
              List.of()),
          new Entry(
              "distill",
              List.of("distill"),
              Map.of(
                  "student",
                  INPUT,
                  "examples",
                  INPUT,
                  "dev",
                  INPUT,
                  "teacher",
                  MODEL,
                  "prompts",
                  MODEL,
                  "cache",
                  CACHE,
                  "out",
                  OUTPUT_DIR),
              List.of("loss.png", "metrics.csv")),
          new Entry(
              "eval",
              List.of("eval"),
              Map.of("model", MODEL, "data", INPUT, "prompts", MODEL),
              List.of()),
          new Entry(
              "export", List.of("export"), Map.of("student", INPUT, "out", OUTPUT_DIR), List.of()),
          new Entry(
              "index-build",
              List.of("index", "build"),
              Map.of("model", MODEL, "corpus", INPUT, "out", STORE),
              List.of()));

  /**
   * Options that name a place on the machine itself, not an input or output of the job: a job step
   * does not take them (the environment does, e.g. {@code D2LLM_VECTOR_CACHE}).
   */
  private static final java.util.Set<String> MACHINE_LOCAL = java.util.Set.of("vector-cache");

  private final List<StepKind> kinds;

  /** The catalog of the commands under {@code root}. */
  JobSteps(CommandLine root) {
    this.kinds = ENTRIES.stream().map(e -> kind(e, spec(root, e.command()))).toList();
  }

  @Override
  public Optional<StepKind> find(String name) {
    return kinds.stream().filter(k -> k.name().equals(name)).findFirst();
  }

  @Override
  public List<String> names() {
    return kinds.stream().map(StepKind::name).toList();
  }

  /** Every kind, for help and tests. */
  List<StepKind> kinds() {
    return kinds;
  }

  private static CommandSpec spec(CommandLine root, List<String> command) {
    CommandLine at = root;
    for (String word : command) {
      at = at.getSubcommands().get(word);
      if (at == null) {
        throw new IllegalStateException(
            "job step command '" + String.join(" ", command) + "' does not exist");
      }
    }
    return at.getCommandSpec();
  }

  private static StepKind kind(Entry entry, CommandSpec spec) {
    List<StepOption> options = new ArrayList<>();
    boolean takesDevice = false;
    for (OptionSpec o : spec.options()) {
      String name = o.longestName().replaceFirst("^-+", "");
      if (o.usageHelp() || o.versionHelp()) {
        continue;
      }
      if (name.equals("device")) {
        takesDevice = true; // The job's device, not a step's.
        continue;
      }
      if (MACHINE_LOCAL.contains(name)) {
        continue;
      }
      options.add(option(entry, name, o, -1));
    }
    for (PositionalParamSpec p : spec.positionalParameters()) {
      options.add(option(entry, p.paramLabel().toLowerCase(Locale.ROOT), p, p.index().min()));
    }
    for (String name : entry.roles().keySet()) {
      if (options.stream().noneMatch(o -> o.name().equals(name))) {
        throw new IllegalStateException(
            "job step '"
                + entry.name()
                + "' gives a role to '"
                + name
                + "', which 'd2llm "
                + String.join(" ", entry.command())
                + "' does not have");
      }
    }
    return new StepKind(entry.name(), entry.command(), options, takesDevice, entry.reportFiles());
  }

  private static StepOption option(Entry entry, String name, ArgSpec arg, int positional) {
    StepOption.Role role = entry.roles().get(name);
    Class<?> type =
        arg.isMultiValue() && arg.auxiliaryTypes().length > 0
            ? arg.auxiliaryTypes()[0]
            : arg.type();
    if (role != null) {
      return new StepOption(
          name,
          role,
          StepOption.Type.LOCATION,
          arg.required(),
          arg.isMultiValue(),
          positional,
          List.of());
    }
    if (type == Path.class) {
      // A place the job would pass unstaged: every path option needs a role above.
      throw new IllegalStateException(
          "job step '" + entry.name() + "': the path option '" + name + "' has no role");
    }
    StepOption.Type valueType;
    List<String> choices = List.of();
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      valueType = StepOption.Type.INTEGER;
    } else if (type == float.class
        || type == Float.class
        || type == double.class
        || type == Double.class) {
      valueType = StepOption.Type.NUMBER;
    } else if (type == boolean.class || type == Boolean.class) {
      valueType = StepOption.Type.FLAG;
    } else if (type.isEnum()) {
      valueType = StepOption.Type.CHOICE;
      choices = Arrays.stream(type.getEnumConstants()).map(Object::toString).toList();
    } else {
      valueType = StepOption.Type.TEXT;
    }
    return new StepOption(
        name,
        StepOption.Role.VALUE,
        valueType,
        arg.required(),
        arg.isMultiValue(),
        positional,
        choices);
  }
}
