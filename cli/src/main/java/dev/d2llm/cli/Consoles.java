package dev.d2llm.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarConsumer;

/** Progress bars go to stderr so that stdout stays machine-readable. */
final class Consoles {

  private Consoles() {}

  static ProgressBarConsumer stderr() {
    return new ConsoleProgressBarConsumer(System.err);
  }
}
