package dev.d2llm.function;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
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
 * timeout is answered {@link RejectedRequest#timedOut} and, if it has not started, never runs. So the
 * memory and CPU the model takes are bounded by the thread count, whatever the number of connections.
 */
@ApplicationScoped
public class ModelWork {

  private final ThreadPoolExecutor pool;
  private final Duration timeout;

  @Inject
  ModelWork(FunctionConfig config) {
    this(config.work().threads() > 0 ? config.work().threads() : Runtime.getRuntime().availableProcessors(),
        config.work().queue(), config.work().timeout());
  }

  /** {@code threads} model threads, {@code queued} requests waiting at most, each given {@code timeout}. */
  ModelWork(int threads, int queued, Duration timeout) {
    BlockingQueue<Runnable> queue = queued > 0 ? new ArrayBlockingQueue<>(queued) : new SynchronousQueue<>();
    AtomicInteger n = new AtomicInteger();
    pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, queue, r -> {
      Thread t = new Thread(r, "model-work-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.AbortPolicy());
    this.timeout = timeout;
  }

  /**
   * {@code task}'s result, computed on a model thread; fails with a {@link RejectedRequest} when the
   * queue is full (at once) or the timeout passes first.
   */
  <T> CompletableFuture<T> submit(Supplier<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Future<?> queued;
    try {
      queued = pool.submit(() -> {
        if (result.isDone()) {
          return; // timed out while queued: nobody waits for it any more
        }
        try {
          result.complete(task.get());
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      });
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(RejectedRequest.overloaded());
    }
    return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(t -> {
      if (t instanceof TimeoutException) {
        queued.cancel(false);
        pool.purge();
        return CompletableFuture.failedFuture(RejectedRequest.timedOut(timeout));
      }
      return CompletableFuture.failedFuture(t);
    });
  }

  void onStop(@Observes ShutdownEvent event) {
    close();
  }

  void close() {
    pool.shutdownNow();
  }
}
