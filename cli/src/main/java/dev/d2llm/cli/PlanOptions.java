package dev.d2llm.cli;

import dev.d2llm.distill.DistillOptions;
import dev.d2llm.student.Branch;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options that fix a distillation plan; teacher score and distill must be given the same ones.
 */
public class PlanOptions {

  @Option(names = "--batch-size", description = "queries per batch (default: ${DEFAULT-VALUE})")
  int batchSize = DistillOptions.defaults().batchSize();

  @Option(
      names = "--negatives",
      description = "hard negatives per query, K (default: ${DEFAULT-VALUE})")
  int negatives = DistillOptions.defaults().negatives();

  @Option(names = "--epochs", description = "(default: ${DEFAULT-VALUE})")
  int epochs = DistillOptions.defaults().epochs();

  @Option(names = "--seed", description = "(default: ${DEFAULT-VALUE})")
  long seed = DistillOptions.defaults().seed();

  @Option(
      names = "--task",
      description = "DATASET=sym|asym, the IEM branch of a data set (default: sym)")
  Map<String, String> tasks = new HashMap<>();

  /** The branch of every data set named in the examples. */
  Map<String, Branch> branches(Iterable<String> datasets) {
    Map<String, Branch> out = new HashMap<>();
    for (String d : datasets) {
      out.put(d, Branch.parse(tasks.getOrDefault(d, "sym")));
    }
    return out;
  }
}
