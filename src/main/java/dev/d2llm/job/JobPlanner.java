package dev.d2llm.job;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a {@link JobSpec} against a {@link StepCatalog} and turns it into a {@link JobPlan},
 * finding every problem before any work starts: unknown steps and options, missing or mistyped
 * values, unknown variables, bad locations, inputs that neither exist nor come from an earlier
 * step, and two steps writing one place.
 */
public final class JobPlanner {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern DEVICE = Pattern.compile("cpu|gpu|gpu[0-9]+|gpus");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

  private final StepCatalog catalog;
  private final Predicate<Location> exists;
  private final Set<String> unreachable = new HashSet<>();

  /**
   * @param catalog the steps a job may use
   * @param exists whether a place holds a file or a non-empty directory now (inputs not written by
   *     an earlier step must)
   */
  public JobPlanner(StepCatalog catalog, Predicate<Location> exists) {
    this.catalog = catalog;
    this.exists = exists;
  }

  /**
   * Reads the spec at {@code specLocation} (a local path or {@code s3://bucket/key}) and plans it;
   * relative paths in a local spec start from the spec's directory.
   *
   * @throws InvalidJobException listing every problem found
   * @throws IllegalArgumentException when there is no spec at {@code specLocation}
   */
  public static JobPlan load(
      String specLocation, StepCatalog catalog, Places places, String deviceOverride) {
    Location where = Location.parse(specLocation, Path.of("").toAbsolutePath());
    JobSpec spec = JobSpecReader.read(places.readText(where), specLocation);
    return new JobPlanner(catalog, places::exists)
        .plan(spec, where.remote() ? null : where.path().getParent(), deviceOverride);
  }

  /**
   * The plan for {@code spec}.
   *
   * @param base the directory relative paths start from (the spec's directory), or null for a
   *     remote spec
   * @param deviceOverride the device from the command line, or null to use the spec's (default
   *     {@code cpu})
   * @throws InvalidJobException listing every problem found
   */
  public JobPlan plan(JobSpec spec, Path base, String deviceOverride) {
    unreachable.clear();
    Check check = new Check(spec.source());
    if (!NAME.matcher(spec.name()).matches()) {
      check.add(
          0,
          "name",
          "'"
              + spec.name()
              + "' must be letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    String device =
        deviceOverride != null ? deviceOverride : spec.device() != null ? spec.device() : "cpu";
    if (!DEVICE.matcher(device).matches()) {
      check.add(
          0,
          "device",
          "'"
              + device
              + "' is not a device: use cpu, gpu, gpuN (N = 0, 1, ...) or gpus (all of them)");
    }
    // Variables first (they may not use ${output}), then the output, which may use them.
    Map<String, String> variables = new LinkedHashMap<>();
    for (var entry : spec.vars().entrySet()) {
      if (entry.getKey().equals("output") || !NAME.matcher(entry.getKey()).matches()) {
        check.add(0, "vars." + entry.getKey(), "a variable needs a plain name other than 'output'");
        continue;
      }
      variables.put(
          entry.getKey(),
          substitute(entry.getValue(), variables, check, 0, "vars." + entry.getKey()));
    }
    Location output = null;
    try {
      output = Location.parse(substitute(spec.output(), variables, check, 0, "output"), base);
      variables.put("output", output.toString());
    } catch (IllegalArgumentException e) {
      check.add(0, "output", e.getMessage());
    }

    List<JobPlan.Step> steps = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Map<Location, String> writers = new HashMap<>();
    for (int i = 0; i < spec.steps().size(); i++) {
      JobSpec.Step written = spec.steps().get(i);
      String where =
          "steps[" + (i + 1) + "]" + (written.name() == null ? "" : " '" + written.name() + "'");
      if (written.name() != null && !NAME.matcher(written.name()).matches()) {
        check.add(written.line(), where, "name must be letters, digits, '.', '_' or '-'");
      } else if (written.name() != null && !names.add(written.name())) {
        check.add(written.line(), where, "another step already has this name");
      }
      if (written.run() == null) {
        continue;
      }
      var kind = catalog.find(written.run());
      if (kind.isEmpty()) {
        check.add(
            written.line(),
            where,
            "unknown step '" + written.run() + "'; the steps are " + catalog.names());
        continue;
      }
      List<JobPlan.Argument> arguments =
          arguments(written, kind.get(), where, base, variables, steps, writers, check);
      JobPlan.Step step = new JobPlan.Step(i + 1, written.name(), kind.get(), arguments);
      // A cache is shared on purpose (scored once, read by later steps); any other place has one
      // writer.
      List<Location> owned =
          step.arguments().stream()
              .filter(a -> a.option().isOutput() && a.option().role() != StepOption.Role.CACHE)
              .flatMap(a -> a.locations().stream())
              .toList();
      for (Location out : owned) {
        if (out.remote() && out.key().isEmpty()) {
          check.add(
              written.line(),
              where,
              "writes the whole bucket " + out + ": give it a key under the bucket");
        } else if (output != null && output.within(out)) {
          check.add(
              written.line(),
              where,
              "writes "
                  + out
                  + ", which holds the job's output "
                  + output
                  + " (its state, logs and report): write under it, e.g. ${output}/"
                  + written.name());
        }
        for (var other : writers.entrySet()) {
          if (!other.getValue().equals(written.name())
              && (out.within(other.getKey()) || other.getKey().within(out))) {
            check.add(
                written.line(),
                where,
                "writes "
                    + out
                    + ", which overlaps "
                    + other.getKey()
                    + " that step '"
                    + other.getValue()
                    + "' writes");
          }
        }
        writers.putIfAbsent(out, written.name());
      }
      steps.add(step);
    }
    checkReadBeforeWritten(spec, steps, check);
    check.throwIfAny();
    return new JobPlan(spec.source(), spec.name(), output, device, steps);
  }

  private List<JobPlan.Argument> arguments(
      JobSpec.Step written,
      StepKind kind,
      String where,
      Path base,
      Map<String, String> variables,
      List<JobPlan.Step> earlier,
      Map<Location, String> writers,
      Check check) {
    List<JobPlan.Argument> arguments = new ArrayList<>();
    for (var entry : written.with().entrySet()) {
      String at = where + " with." + entry.getKey();
      JobSpec.Value value = entry.getValue();
      var option = kind.option(entry.getKey());
      if (option.isEmpty()) {
        check.add(
            value.line(),
            at,
            "'"
                + kind.name()
                + "' has no option '"
                + entry.getKey()
                + "'; it takes "
                + kind.options().stream().map(StepOption::name).toList());
        continue;
      }
      StepOption o = option.get();
      if (value.list() && !o.repeatable()) {
        check.add(value.line(), at, "takes one value, not a list");
        continue;
      }
      List<String> values = new ArrayList<>();
      List<Location> locations = new ArrayList<>();
      for (String raw : value.values()) {
        String text = substitute(raw, variables, check, value.line(), at);
        values.add(text);
        String problem = typeProblem(o, text);
        if (problem != null) {
          check.add(value.line(), at, problem);
          continue;
        }
        if (o.isLocation() && !(o.role() == StepOption.Role.MODEL && !looksLikePlace(text))) {
          try {
            Location place = Location.parse(text, base);
            locations.add(place);
            if (o.role() == StepOption.Role.INPUT || o.role() == StepOption.Role.MODEL) {
              checkInput(place, at, value.line(), written.name(), earlier, check);
            }
          } catch (IllegalArgumentException e) {
            check.add(value.line(), at, e.getMessage());
          }
        }
      }
      arguments.add(new JobPlan.Argument(o, values, locations));
    }
    for (StepOption o : kind.options()) {
      if (o.required() && !written.with().containsKey(o.name())) {
        check.add(
            written.line(), where, "'" + kind.name() + "' needs the option '" + o.name() + "'");
      }
    }
    return arguments;
  }

  private void checkInput(
      Location place,
      String at,
      int line,
      String stepName,
      List<JobPlan.Step> earlier,
      Check check) {
    boolean written = earlier.stream().flatMap(s -> s.outputs().stream()).anyMatch(place::within);
    if (written) {
      return;
    }
    String store = place.remote() ? "s3://" + place.bucket() : "the local file system";
    if (unreachable.contains(store)) {
      return; // Said once for the first input there.
    }
    try {
      if (!exists.test(place)) {
        check.add(line, at, "the input " + place + " does not exist and no earlier step writes it");
      }
    } catch (RuntimeException e) {
      // An unreachable store (no credentials, no network) is one more problem to list, not the end
      // of the check.
      unreachable.add(store);
      check.add(
          line,
          at,
          "cannot tell whether the input "
              + place
              + " exists (nor any other in "
              + store
              + "): "
              + firstSentence(e.getMessage()));
    }
  }

  /** The start of an exception's message: the SDK's credential errors run to a kilobyte. */
  private static String firstSentence(String message) {
    if (message == null) {
      return "(no message)";
    }
    int end = message.indexOf(" : [");
    String first = end > 0 ? message.substring(0, end) : message;
    return first.length() > 120 ? first.substring(0, first.lastIndexOf(' ', 120)) + " ..." : first;
  }

  /**
   * An input written only by a later step is a mistake in the order of the steps; say so rather
   * than 'missing'.
   */
  private static void checkReadBeforeWritten(JobSpec spec, List<JobPlan.Step> steps, Check check) {
    for (JobPlan.Step reader : steps) {
      for (JobPlan.Argument a : reader.arguments()) {
        if (a.option().role() != StepOption.Role.INPUT
            && a.option().role() != StepOption.Role.MODEL) {
          continue;
        }
        for (Location place : a.locations()) {
          steps.stream()
              .filter(w -> w.number() > reader.number())
              .filter(w -> w.outputs().stream().anyMatch(place::within))
              .findFirst()
              .ifPresent(
                  w ->
                      check.add(
                          spec.steps().get(reader.number() - 1).line(),
                          "steps["
                              + reader.number()
                              + "] '"
                              + reader.name()
                              + "' with."
                              + a.option().name(),
                          "reads "
                              + place
                              + ", which step '"
                              + w.name()
                              + "' (step "
                              + w.number()
                              + ") writes later"));
        }
      }
    }
  }

  private static String typeProblem(StepOption o, String text) {
    try {
      switch (o.type()) {
        case INTEGER -> Long.parseLong(text);
        case NUMBER -> {
          if (!Double.isFinite(Double.parseDouble(text))) {
            return "'" + text + "' is not a finite number";
          }
        }
        case FLAG -> {
          if (!text.equals("true") && !text.equals("false")) {
            return "'" + text + "' is not true or false";
          }
        }
        case CHOICE -> {
          if (o.choices().stream().noneMatch(text::equalsIgnoreCase)) {
            return "'" + text + "' is not one of " + o.choices();
          }
        }
        case TEXT, LOCATION -> {
          if (text.isBlank()) {
            return "must not be empty";
          }
        }
      }
      return null;
    } catch (NumberFormatException e) {
      return "'"
          + text
          + "' is not "
          + (o.type() == StepOption.Type.INTEGER ? "a whole number" : "a number");
    }
  }

  /**
   * A model reference names a place when it is a URI or a path; otherwise it is a name the command
   * resolves.
   */
  private static boolean looksLikePlace(String text) {
    return text.startsWith("/")
        || text.startsWith("./")
        || text.startsWith("../")
        || Location.scheme(text).filter(s -> s.equals("s3") || s.equals("file")).isPresent();
  }

  private static String substitute(
      String text, Map<String, String> variables, Check check, int line, String at) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = variables.get(m.group(1));
      if (value == null) {
        check.add(line, at, "unknown variable ${" + m.group(1) + "}; known: " + variables.keySet());
        value = m.group();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The problems found so far. */
  private static final class Check {
    private final String source;
    private final List<JobProblem> problems = new ArrayList<>();

    Check(String source) {
      this.source = source;
    }

    void add(int line, String where, String message) {
      problems.add(new JobProblem(source, line, where, message));
    }

    void throwIfAny() {
      if (!problems.isEmpty()) {
        throw new InvalidJobException(problems);
      }
    }
  }
}
