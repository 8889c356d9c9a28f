package dev.d2llm.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ModelWorkTest {

  private final CountDownLatch release = new CountDownLatch(1);
  private ModelWork work;

  @AfterEach
  void stop() {
    release.countDown();
    work.close();
  }

  private String blocked() {
    try {
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "done";
  }

  /** Busy for {@code millis} without ever looking at interrupts, as a native forward pass is. */
  private static String busy(long millis, java.util.concurrent.atomic.AtomicBoolean done) {
    long end = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
    done.set(true);
    return "done";
  }

  /** Submits {@link #busy} work and returns once it runs; the flag says when it has finished. */
  private java.util.concurrent.atomic.AtomicBoolean startBusy(long millis) throws Exception {
    var finished = new java.util.concurrent.atomic.AtomicBoolean();
    CountDownLatch started = new CountDownLatch(1);
    work.submit(
        () -> {
          started.countDown();
          return busy(millis, finished);
        });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    return finished;
  }

  /**
   * Submits {@link #blocked} work taking {@code chars} of the text budget and returns once it runs
   * (so it holds its characters), with its result.
   */
  private CompletableFuture<String> holdBudget(int chars) throws Exception {
    CountDownLatch holds = new CountDownLatch(1);
    CompletableFuture<String> held =
        work.submit(
            () -> {
              holds.countDown();
              return blocked();
            },
            chars);
    assertThat(holds.await(5, TimeUnit.SECONDS)).isTrue();
    return held;
  }

  @Test
  void closingLetsWhatRunsFinishAndDropsWhatWaits() throws Exception {
    work = new ModelWork(1, 4, Duration.ofSeconds(10), 100);
    var finished = startBusy(300);
    var queuedRan = new java.util.concurrent.atomic.AtomicBoolean();
    work.submit(() -> busy(0, queuedRan));
    assertThat(work.drained()).isFalse();

    assertThat(work.close()).isTrue();
    assertThat(finished).isTrue();
    assertThat(queuedRan).isFalse();
    assertThat(work.drained()).isTrue();
  }

  @Test
  void workThatOutlastsTheTimeoutLeavesTheModelThreadsUndrained() throws Exception {
    work = new ModelWork(1, 1, Duration.ofMillis(100), 100);
    var finished = startBusy(1500);

    assertThat(work.close()).isFalse();
    assertThat(work.drained()).isFalse();
    Thread.sleep(2000);
    assertThat(finished).isTrue();
    assertThat(work.drained()).isTrue();
  }

  @Test
  void aFullQueueRefusesAtOnceAsOverloaded() {
    work = new ModelWork(1, 1, Duration.ofSeconds(30), 100);
    CompletableFuture<String> running = work.submit(this::blocked);
    CompletableFuture<String> queued = work.submit(this::blocked);

    CompletableFuture<String> refused = work.submit(() -> "never");

    assertThat(refused).isCompletedExceptionally();
    assertThat(cause(refused))
        .isInstanceOfSatisfying(
            RejectedRequest.class,
            r -> {
              assertThat(r.status()).isEqualTo(503);
              assertThat(r.error()).isEqualTo("overloaded");
              assertThat(r.retryLater()).isTrue();
            });
    release.countDown();
    assertThat(running.join()).isEqualTo("done");
    assertThat(queued.join()).isEqualTo("done");
  }

  @Test
  void aRequestPastItsTimeoutIsRefusedAndNeverRunsIfItWasStillQueued() throws Exception {
    work = new ModelWork(1, 4, Duration.ofMillis(200), 100);
    work.submit(this::blocked);
    AtomicBoolean ran = new AtomicBoolean();
    CompletableFuture<String> late =
        work.submit(
            () -> {
              ran.set(true);
              return "late";
            });

    assertThat(cause(late))
        .isInstanceOfSatisfying(
            RejectedRequest.class, r -> assertThat(r.error()).isEqualTo("timeout"));
    release.countDown();
    work.submit(() -> "after").get(5, TimeUnit.SECONDS);
    assertThat(ran).isFalse();
  }

  @Test
  void aTaskFailureReachesTheCallerUnchanged() {
    work = new ModelWork(1, 1, Duration.ofSeconds(5), 100);
    CompletableFuture<String> failing =
        work.submit(
            () -> {
              throw new IllegalStateException("model failed");
            });
    assertThat(cause(failing)).isInstanceOf(IllegalStateException.class).hasMessage("model failed");
  }

  private static Throwable cause(CompletableFuture<?> f) {
    Throwable t = catchThrowable(f::join);
    return t instanceof CompletionException c ? c.getCause() : t;
  }

  @Test
  void twoRequestsOverTheTextBudgetRunOneAfterTheOtherWhileAQueryPasses() throws Exception {
    work = new ModelWork(3, 4, Duration.ofSeconds(30), 100);
    CompletableFuture<String> first = holdBudget(80);
    AtomicBoolean secondRan = new AtomicBoolean();
    CompletableFuture<String> second =
        work.submit(
            () -> {
              secondRan.set(true);
              return "second";
            },
            80);

    assertThat(work.submit(() -> "query").get(5, TimeUnit.SECONDS)).isEqualTo("query");
    Thread.sleep(200);
    assertThat(secondRan).isFalse();
    release.countDown();
    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("done");
    assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("second");
  }

  @Test
  void aRequestWaitingForTheTextBudgetHoldsNoModelThread() throws Exception {
    work = new ModelWork(2, 4, Duration.ofSeconds(30), 100);
    CompletableFuture<String> first = holdBudget(100);
    CompletableFuture<String> second = work.submit(() -> "second", 50);
    // One thread runs the first request, the second waits for characters: the other thread is
    // free, so a query (and a cheap embedding would wait its turn behind the second) passes.
    assertThat(work.submit(() -> "query").get(5, TimeUnit.SECONDS)).isEqualTo("query");
    assertThat(work.submit(() -> "query").get(5, TimeUnit.SECONDS)).isEqualTo("query");
    assertThat(second).isNotDone();
    release.countDown();
    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("done");
    assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("second");
  }

  @Test
  void aRequestThatTimesOutWaitingForTheBudgetNeverRunsAndTakesNothing() throws Exception {
    work = new ModelWork(2, 4, Duration.ofMillis(300), 100);
    CompletableFuture<String> first = work.submit(this::blocked, 100);
    AtomicBoolean lateRan = new AtomicBoolean();
    CompletableFuture<String> late =
        work.submit(
            () -> {
              lateRan.set(true);
              return "late";
            },
            100);
    Throwable refused = catchThrowable(() -> late.join());
    assertThat(refused).isInstanceOf(CompletionException.class);
    assertThat(refused.getCause()).isInstanceOf(RejectedRequest.class);
    assertThat(catchThrowable(() -> first.join()).getCause()).isInstanceOf(RejectedRequest.class);
    release.countDown();
    // The first request ends once released and gives its characters back; the whole budget is
    // free again, so a request at the limit runs at once.
    assertThat(work.submit(() -> "full", 100).get(5, TimeUnit.SECONDS)).isEqualTo("full");
    assertThat(lateRan).isFalse();
  }

  @Test
  void aFullLineForTheBudgetRefusesAtOnceAsOverloaded() throws Exception {
    work = new ModelWork(2, 1, Duration.ofSeconds(30), 100);
    holdBudget(100);
    CompletableFuture<String> waiting = work.submit(() -> "waiting", 10);
    Throwable refused = catchThrowable(() -> work.submit(() -> "third", 10).join());
    assertThat(refused.getCause()).isInstanceOf(RejectedRequest.class);
    assertThat(refused.getCause().getMessage()).containsIgnoringCase("busy");
    release.countDown();
    assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo("waiting");
  }

  @Test
  void aRunningRequestThatTimesOutKeepsItsCharactersUntilItEnds() throws Exception {
    work = new ModelWork(2, 4, Duration.ofMillis(300), 100);
    CompletableFuture<String> first = holdBudget(100);
    assertThat(catchThrowable(first::join).getCause()).isInstanceOf(RejectedRequest.class);
    // The first request timed out but still runs: its characters are still taken.
    AtomicBoolean secondRan = new AtomicBoolean();
    CompletableFuture<String> second =
        work.submit(
            () -> {
              secondRan.set(true);
              return "second";
            },
            100);
    Thread.sleep(100);
    assertThat(secondRan).isFalse();
    release.countDown();
    assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("second");
  }
}
