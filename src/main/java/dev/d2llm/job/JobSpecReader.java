package dev.d2llm.job;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a job spec's YAML into a {@link JobSpec}, reporting every structural problem (bad YAML,
 * unknown keys, wrong shapes) with its line; what the steps mean is checked later by {@link
 * JobPlanner}.
 *
 * <pre>
 * name: tiny
 * output: s3://bucket/runs/tiny/
 * device: cpu
 * vars: {data: s3://bucket/data}
 * steps:
 *   - name: examples
 *     run: mine
 *     with: {data: ${data}/pairs.tsv, out: ${output}/examples.jsonl, k: 4}
 * </pre>
 */
public final class JobSpecReader {

  private static final Set<String> JOB_KEYS = Set.of("name", "output", "device", "vars", "steps");
  private static final Set<String> STEP_KEYS = Set.of("name", "run", "with");

  private final String source;
  private final List<JobProblem> problems = new ArrayList<>();

  private JobSpecReader(String source) {
    this.source = source;
  }

  /**
   * The spec in {@code yaml}.
   *
   * @param source where it came from (a path or URI), named in messages
   * @throws InvalidJobException listing every structural problem
   */
  public static JobSpec read(String yaml, String source) {
    JobSpecReader reader = new JobSpecReader(source);
    JobSpec spec = reader.parse(yaml);
    if (!reader.problems.isEmpty()) {
      throw new InvalidJobException(reader.problems);
    }
    return spec;
  }

  private JobSpec parse(String yaml) {
    Node root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(yaml));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      problem(
          line,
          "",
          "not valid YAML: "
              + e.getProblem()
              + (yaml.contains("${")
                  ? " (inside [...] or {...}, quote values that hold ${...}: \"${output}/x\")"
                  : ""));
      return null;
    } catch (YAMLException e) {
      problem(0, "", "not valid YAML: " + e.getMessage());
      return null;
    }
    if (root == null) {
      problem(0, "", "the spec is empty: it needs name, output and steps");
      return null;
    }
    if (!(root instanceof MappingNode job)) {
      problem(line(root), "", "the spec must be a mapping with name, output and steps");
      return null;
    }
    Map<String, Node> fields = fields(job, JOB_KEYS, "");
    String name = requiredScalar(fields, "name", "", job);
    String output = requiredScalar(fields, "output", "", job);
    String device = optionalScalar(fields, "device", "");
    Map<String, String> vars = vars(fields.get("vars"));
    List<JobSpec.Step> steps = steps(fields.get("steps"), job);
    return new JobSpec(source, name, output, device, vars, steps);
  }

  private Map<String, String> vars(Node node) {
    Map<String, String> vars = new LinkedHashMap<>();
    if (node == null) {
      return vars;
    }
    if (!(node instanceof MappingNode mapping)) {
      problem(line(node), "vars", "must be a mapping of names to values");
      return vars;
    }
    for (NodeTuple tuple : mapping.getValue()) {
      String key = scalar(tuple.getKeyNode());
      if (key == null) {
        problem(line(tuple.getKeyNode()), "vars", "keys must be plain names");
      } else if (vars.containsKey(key)) {
        problem(line(tuple.getKeyNode()), "vars." + key, "given twice");
      } else if (!(tuple.getValueNode() instanceof ScalarNode value)) {
        problem(
            line(tuple.getValueNode()),
            "vars." + key,
            "must be a single value, not a list or a mapping");
      } else {
        vars.put(key, value.getValue());
      }
    }
    return vars;
  }

  private List<JobSpec.Step> steps(Node node, Node job) {
    List<JobSpec.Step> steps = new ArrayList<>();
    if (node == null) {
      problem(line(job), "steps", "missing: a job needs at least one step");
      return steps;
    }
    if (!(node instanceof SequenceNode sequence)) {
      problem(
          line(node), "steps", "must be a list of steps (each '- name: ..., run: ..., with: ...')");
      return steps;
    }
    if (sequence.getValue().isEmpty()) {
      problem(line(node), "steps", "is empty: a job needs at least one step");
    }
    List<Node> items = sequence.getValue();
    for (int i = 0; i < items.size(); i++) {
      String where = "steps[" + (i + 1) + "]";
      if (!(items.get(i) instanceof MappingNode stepNode)) {
        problem(line(items.get(i)), where, "must be a mapping with name, run and with");
        continue;
      }
      Map<String, Node> fields = fields(stepNode, STEP_KEYS, where);
      String name = requiredScalar(fields, "name", where, stepNode);
      String run = requiredScalar(fields, "run", where, stepNode);
      steps.add(new JobSpec.Step(line(stepNode), name, run, with(fields.get("with"), where)));
    }
    return steps;
  }

  private Map<String, JobSpec.Value> with(Node node, String where) {
    Map<String, JobSpec.Value> with = new LinkedHashMap<>();
    if (node == null) {
      return with;
    }
    if (!(node instanceof MappingNode mapping)) {
      problem(line(node), where + ".with", "must be a mapping of option names to values");
      return with;
    }
    for (NodeTuple tuple : mapping.getValue()) {
      String key = scalar(tuple.getKeyNode());
      if (key == null) {
        problem(line(tuple.getKeyNode()), where + ".with", "option names must be plain words");
        continue;
      }
      if (with.containsKey(key)) {
        problem(line(tuple.getKeyNode()), where + ".with." + key, "given twice");
        continue;
      }
      Node value = tuple.getValueNode();
      if (value instanceof ScalarNode scalar) {
        with.put(key, new JobSpec.Value(line(value), List.of(scalar.getValue()), false));
      } else if (value instanceof SequenceNode sequence
          && sequence.getValue().stream().allMatch(ScalarNode.class::isInstance)) {
        with.put(
            key,
            new JobSpec.Value(
                line(value),
                sequence.getValue().stream().map(n -> ((ScalarNode) n).getValue()).toList(),
                true));
      } else {
        problem(
            line(value),
            where + ".with." + key,
            "must be a value or a list of values, not a mapping");
      }
    }
    return with;
  }

  private Map<String, Node> fields(MappingNode mapping, Set<String> allowed, String where) {
    Map<String, Node> fields = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String key = scalar(tuple.getKeyNode());
      String at = where.isEmpty() ? String.valueOf(key) : where + "." + key;
      if (key == null || !allowed.contains(key)) {
        problem(
            line(tuple.getKeyNode()),
            at,
            "unknown key; expected one of " + allowed.stream().sorted().toList());
      } else if (fields.containsKey(key)) {
        problem(line(tuple.getKeyNode()), at, "given twice");
      } else {
        fields.put(key, tuple.getValueNode());
      }
    }
    return fields;
  }

  private String requiredScalar(Map<String, Node> fields, String key, String where, Node parent) {
    String at = where.isEmpty() ? key : where + "." + key;
    Node node = fields.get(key);
    if (node == null) {
      problem(line(parent), at, "missing");
      return null;
    }
    String value = scalar(node);
    if (value == null || value.isBlank()) {
      problem(line(node), at, "must be a non-empty value");
      return null;
    }
    return value;
  }

  private String optionalScalar(Map<String, Node> fields, String key, String where) {
    Node node = fields.get(key);
    if (node == null) {
      return null;
    }
    String value = scalar(node);
    if (value == null || value.isBlank()) {
      problem(line(node), where.isEmpty() ? key : where + "." + key, "must be a non-empty value");
    }
    return value;
  }

  private static String scalar(Node node) {
    return node instanceof ScalarNode scalar ? scalar.getValue() : null;
  }

  private static int line(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  private void problem(int line, String where, String message) {
    problems.add(new JobProblem(source, line, where, message));
  }
}
