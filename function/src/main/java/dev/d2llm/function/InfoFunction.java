package dev.d2llm.function;

import io.quarkus.funqy.Funq;

/** HTTP-triggered function that reports what this deployment serves. */
public class InfoFunction {

  /** What {@code info} answers. */
  public record Info(String service, String version) {}

  @Funq("info")
  public Info info() {
    return new Info("d2llm", "0.1.0");
  }
}
