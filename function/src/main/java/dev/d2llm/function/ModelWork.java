package dev.d2llm.function;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * activations, not the thread count, set the peak memory. A request waiting for that budget waits
 * in a bounded line of its own, first come first served, and holds no model thread meanwhile: a
 * query behind it still runs.
 */
@ApplicationScoped
public class ModelWork {

  private final ThreadPoolExecutor pool;
  private final Duration timeout;
  private final TextBudget budget;

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
   * {@code threads} model threads, {@code queued} requests waiting at most (for a thread, and apart
   * for the text budget), each given {@code timeout}, and {@code maxChars} characters of text being
   * encoded at once.
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
    this.budget = new TextBudget(maxChars, queued);
  }

  /**
   * As {@link #submit(Supplier, int)} for work whose size is bounded by the request limits alone (a
   * query).
   */
  <T> CompletableFuture<T> submit(Supplier<T> task) {
    return submit(task, 0);
  }

  /**
   * {@code task}'s result, computed on a model thread once {@code textChars} (capped at the budget)
   * are free; fails with a {@link RejectedRequest} when the queue or the budget's line is full (at
   * once) or the timeout passes first.
   */
  <T> CompletableFuture<T> submit(Supplier<T> task, int textChars) {
    Admitted<T> admitted = new Admitted<>(task, budget.cost(textChars));
    if (!budget.admit(admitted)) {
      return CompletableFuture.failedFuture(RejectedRequest.overloaded());
    }
    return admitted
        .result
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyCompose(
            t -> {
              if (t instanceof TimeoutException) {
                budget.withdraw(admitted);
                return CompletableFuture.failedFuture(RejectedRequest.timedOut(timeout));
              }
              return CompletableFuture.failedFuture(t);
            });
  }

  /**
   * One request on its way to a model thread: started on the pool once its characters are taken
   * from the budget, and giving them back exactly once, by whichever claims it first: its run on
   * the pool, or its withdrawal after a timeout (a pool task that has started cannot be cancelled,
   * though {@link Future#cancel} says it was).
   */
  private final class Admitted<T> {
    final Supplier<T> task;
    final int cost;
    final CompletableFuture<T> result = new CompletableFuture<>();
    private final AtomicBoolean claimed = new AtomicBoolean();
    private volatile Future<?> queued;

    Admitted(Supplier<T> task, int cost) {
      this.task = task;
      this.cost = cost;
    }

    /** Hands the request to the pool; a full pool refuses it and gives its characters back. */
    void start() {
      try {
        queued = pool.submit(this::run);
      } catch (RejectedExecutionException e) {
        if (claimed.compareAndSet(false, true)) {
          result.completeExceptionally(RejectedRequest.overloaded());
          budget.release(cost);
        }
      }
    }

    private void run() {
      if (!claimed.compareAndSet(false, true)) {
        return; // withdrawn after a timeout, its characters already given back
      }
      try {
        if (!result.isDone()) { // done: timed out while queued, nobody waits for it any more
          result.complete(task.get());
        }
      } catch (Throwable t) {
        result.completeExceptionally(t);
      } finally {
        budget.release(cost);
      }
    }

    /** Takes the request out of the pool's queue and gives its characters back, if not started. */
    void cancelQueued() {
      if (claimed.compareAndSet(false, true)) {
        Future<?> f = queued;
        if (f != null) {
          f.cancel(false);
          pool.purge();
        }
        budget.release(cost);
      }
    }
  }

  /**
   * The characters of text being encoded at once, and the line of requests waiting for them. A
   * request that costs nothing (a query) goes straight to the pool; one that fits while nobody
   * waits takes its characters and goes too; the others wait in line and start, in order, as
   * running requests give their characters back.
   */
  private static final class TextBudget {
    private final int maxChars;
    private final int maxWaiting;
    private final ArrayDeque<Admitted<?>> waiting = new ArrayDeque<>();
    private int free;

    TextBudget(int maxChars, int maxWaiting) {
      this.maxChars = maxChars;
      this.maxWaiting = maxWaiting;
      this.free = maxChars;
    }

    int cost(int textChars) {
      return Math.max(0, Math.min(textChars, maxChars));
    }

    /** Starts or lines up {@code request}; false when the line is full. */
    boolean admit(Admitted<?> request) {
      if (request.cost > 0) {
        synchronized (this) {
          if (!waiting.isEmpty() || request.cost > free) {
            if (waiting.size() >= maxWaiting) {
              return false;
            }
            waiting.add(request);
            return true;
          }
          free -= request.cost;
        }
      }
      request.start();
      return true;
    }

    /** A request that timed out: out of the line if still in it, else out of the pool's queue. */
    void withdraw(Admitted<?> request) {
      boolean wasWaiting;
      synchronized (this) {
        wasWaiting = waiting.remove(request);
      }
      if (wasWaiting) {
        release(0); // the line's head may fit now
      } else {
        request.cancelQueued();
      }
    }

    void release(int chars) {
      List<Admitted<?>> ready = new ArrayList<>();
      synchronized (this) {
        free += chars;
        while (!waiting.isEmpty() && waiting.peek().cost <= free) {
          Admitted<?> next = waiting.poll();
          free -= next.cost;
          ready.add(next);
        }
      }
      ready.forEach(Admitted::start);
    }
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
