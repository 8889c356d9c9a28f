package dev.d2llm.cli;

/** Settings DJL reads once at start-up: always offline, and the thread count the user asked for. */
final class Engines {

  private Engines() {}

  static void configure(int threads) {
    System.setProperty("ai.djl.offline", "true");
    if (threads > 0) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
  }
}
