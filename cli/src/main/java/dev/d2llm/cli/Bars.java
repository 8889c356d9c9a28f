package dev.d2llm.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress bars for long jobs, on stderr, in one style. */
final class Bars {

  private Bars() {}

  static ProgressBar of(String task, long total, String unit) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII)
        .setUnit(unit, 1)
        .showSpeed()
        .setConsumer(Consoles.stderr())
        .build();
  }
}
