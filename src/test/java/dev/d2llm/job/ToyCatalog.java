package dev.d2llm.job;

import static dev.d2llm.job.StepOption.Role.CACHE;
import static dev.d2llm.job.StepOption.Role.INPUT;
import static dev.d2llm.job.StepOption.Role.MODEL;
import static dev.d2llm.job.StepOption.Role.OUTPUT_DIR;
import static dev.d2llm.job.StepOption.Role.OUTPUT_FILE;
import static dev.d2llm.job.StepOption.Role.VALUE;

import java.util.List;
import java.util.Optional;

/**
 * A small catalog shaped like the CLI's: steps that read and write files, a cache, a model
 * reference.
 */
final class ToyCatalog implements StepCatalog {

  static final List<StepKind> KINDS =
      List.of(
          new StepKind(
              "mine",
              List.of("mine"),
              List.of(
                  location("data", INPUT, true, true),
                  location("out", OUTPUT_FILE, true, false),
                  value("k", StepOption.Type.INTEGER, false),
                  new StepOption(
                      "language",
                      VALUE,
                      StepOption.Type.CHOICE,
                      false,
                      false,
                      -1,
                      List.of("ENGLISH", "CHINESE"))),
              false,
              List.of()),
          new StepKind(
              "train",
              List.of("teacher", "train"),
              List.of(
                  location("train", INPUT, true, false),
                  location("out", OUTPUT_DIR, true, false),
                  value("lr", StepOption.Type.NUMBER, false),
                  value("verbose", StepOption.Type.FLAG, false),
                  location("cache", CACHE, false, false)),
              true,
              List.of("loss.png")),
          new StepKind(
              "eval",
              List.of("eval"),
              List.of(
                  location("model", MODEL, true, false),
                  location("data", INPUT, true, false),
                  value("task", StepOption.Type.TEXT, true)),
              false,
              List.of()),
          new StepKind(
              "pull",
              List.of("model", "pull"),
              List.of(
                  new StepOption("name", VALUE, StepOption.Type.TEXT, true, false, 0, List.of()),
                  location("out", OUTPUT_DIR, true, false)),
              false,
              List.of()));

  @Override
  public Optional<StepKind> find(String name) {
    return KINDS.stream().filter(k -> k.name().equals(name)).findFirst();
  }

  @Override
  public List<String> names() {
    return KINDS.stream().map(StepKind::name).toList();
  }

  private static StepOption location(
      String name, StepOption.Role role, boolean required, boolean repeatable) {
    return new StepOption(
        name, role, StepOption.Type.LOCATION, required, repeatable, -1, List.of());
  }

  private static StepOption value(String name, StepOption.Type type, boolean required) {
    return new StepOption(name, VALUE, type, required, false, -1, List.of());
  }
}
