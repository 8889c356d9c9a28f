package dev.d2llm.cli;

import dev.d2llm.student.StudentFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code d2llm export}: a trained student in its serving form, LoRA merged into the backbone. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Writes a student's serving form: LoRA merged into the backbone weights (model.safetensors,"
            + " config.json, tokenizer), PMA and IEM weights, and d2llm_student.json; no adapter left.")
public class ExportCommand implements Callable<Integer> {

  @Option(
      names = "--student",
      required = true,
      description = "student directory (holds d2llm_student.json)")
  Path student;

  @Option(names = "--out", required = true, description = "directory to write")
  Path out;

  @Override
  public Integer call() {
    Engines.configure(Runtime.getRuntime().availableProcessors());
    StudentFiles.export(student, out);
    System.out.printf("exported %s to %s%n", student, out);
    return 0;
  }
}
