package dev.d2llm.function;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The function's entry point: starts the configuration-free part of start-up ({@link
 * StartupPreload}) before Quarkus boots, so the native libraries load and the kernels compile
 * meanwhile, then runs Quarkus until it is stopped.
 */
@QuarkusMain
public final class FunctionMain {

  private FunctionMain() {}

  public static void main(String... args) {
    StartupPreload.start();
    Quarkus.run(args);
  }
}
