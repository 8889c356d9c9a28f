package dev.d2llm.function;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Admission control for model work (encoding a query, embedding, scoring): a fixed set of threads,
 * one per core unless configured, behind a bounded queue. A request that finds the queue full is
 * refused at once ({@link RejectedRequest#overloaded}); one that does not finish within the request
 * timeout is answered {@link RejectedRequest#timedOut} and, if it has not started, never runs. So
 * the memory and CPU the model takes are bounded by the thread count, whatever the number of
 * connections. Texts to encode also take their length in characters from a budget ({@code
 * d2llm.work.max-chars-in-flight}), so that two requests at the limits do not run at once: their
 * activations, not the thread count, set the peak memory.
 */
@ApplicationScoped
public class ModelWork {

  private final ThreadPoolExecutor pool;
  private final Duration timeout;
  private final Semaphore chars;
  private final int maxChars;

  @Inject
  ModelWork(FunctionConfig config) {
    this(
        config.work().threads() > 0
            ? config.work().threads()
            : Runtime.getRuntime().availableProcessors(),
        config.work().queue(),
        config.work().timeout(),
        config.work().maxCharsInFlight());
  }

  /**
   * {@code threads} model threads, {@code queued} requests waiting at most, each given {@code
   * timeout}, and {@code maxChars} characters of text being encoded at once.
   */
  ModelWork(int threads, int queued, Duration timeout, int maxChars) {
    BlockingQueue<Runnable> queue =
        queued > 0 ? new ArrayBlockingQueue<>(queued) : new SynchronousQueue<>();
    AtomicInteger n = new AtomicInteger();
    pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.SECONDS,
            queue,
            r -> {
              Thread t = new Thread(r, "model-work-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    this.timeout = timeout;
    this.maxChars = maxChars;
    this.chars = new Semaphore(maxChars, true);
  }

  /**
   * As {@link #submit(Supplier, int)} for work whose size is bounded by the request limits alone (a
   * query).
   */
  <T> CompletableFuture<T> submit(Supplier<T> task) {
    return submit(task, 0);
  }

  /**
   * {@code task}'s result, computed on a model thread; fails with a {@link RejectedRequest} when
   * the queue is full (at once) or the timeout passes first.
   */
  <T> CompletableFuture<T> submit(Supplier<T> task, int textChars) {
    int permits = Math.min(textChars, maxChars);
    CompletableFuture<T> result = new CompletableFuture<>();
    Future<?> queued;
    try {
      queued =
          pool.submit(
              () -> {
                if (result.isDone()) {
                  return; // timed out while queued: nobody waits for it any more
                }
                if (permits > 0) {
                  chars.acquireUninterruptibly(
                      permits); // not for 0: a fair semaphore would queue it behind waiters
                }
                try {
                  if (!result.isDone()) {
                    result.complete(task.get());
                  }
                } catch (Throwable t) {
                  result.completeExceptionally(t);
                } finally {
                  if (permits > 0) {
                    chars.release(permits);
                  }
                }
              });
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(RejectedRequest.overloaded());
    }
    return result
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyCompose(
            t -> {
              if (t instanceof TimeoutException) {
                queued.cancel(false);
                pool.purge();
                return CompletableFuture.failedFuture(RejectedRequest.timedOut(timeout));
              }
              return CompletableFuture.failedFuture(t);
            });
  }

  /**
   * Before anything frees the model's native memory ({@link SearchEngine#onStop} observes later): a
   * forward pass still running on freed weights would crash the process.
   */
  void onStop(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE) ShutdownEvent event) {
    close();
  }

  /**
   * Stops taking work: what waits in the queue never starts, and what runs gets up to the request
   * timeout to finish. Returns whether every model thread has ended ({@link #drained}).
   */
  boolean close() {
    pool.shutdownNow();
    try {
      return pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return pool.isTerminated();
    }
  }

  /** Whether no model work can run any more: closed, and every model thread ended. */
  boolean drained() {
    return pool.isTerminated();
  }
}
