package dev.d2llm.nn;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Splits a {@link RowKernel}'s outputs between the calling thread and helper threads, for one
 * query's encoding on an otherwise idle machine. Between tasks a helper keeps its core awake for a
 * short while, yielding it to any other runnable thread, so the next projection of the same forward
 * pass (tens of microseconds later) starts at once; then it parks. One caller at a time gets the
 * helpers: concurrent callers run alone.
 */
final class ParallelRowKernel implements RowKernel {

  /** Multiply-adds below which a part is not worth handing over. */
  private static final long MIN_WORK_PER_PART = 1L << 17;

  /** How long an idle helper stays awake before it parks. */
  private static final long AWAKE_NANOS = 2_000_000;

  private final RowKernel kernel;
  private final Helper[] helpers;
  private final ReentrantLock owner = new ReentrantLock();

  ParallelRowKernel(RowKernel kernel, int helperThreads) {
    this.kernel = kernel;
    this.helpers = new Helper[helperThreads];
    for (int i = 0; i < helperThreads; i++) {
      helpers[i] = new Helper("d2llm-rows-" + i);
      helpers[i].start();
    }
  }

  @Override
  public void linear(
      float[] x, int rows, float[] w, float[] b, int in, int out, float[] y, int from, int to) {
    long work = (long) rows * in * (to - from);
    int parts =
        (int) Math.min(helpers.length + 1L, Math.min(work / MIN_WORK_PER_PART, (to - from) / 4));
    if (parts <= 1 || !owner.tryLock()) {
      kernel.linear(x, rows, w, b, in, out, y, from, to);
      return;
    }
    try {
      int per =
          ((to - from) / parts + 3) & ~3; // multiples of four keep the kernel on its fast path
      int start = from;
      int used = 0;
      for (; used < parts - 1 && start + per < to; used++, start += per) {
        int lo = start;
        int hi = start + per;
        helpers[used].submit(() -> kernel.linear(x, rows, w, b, in, out, y, lo, hi));
      }
      Throwable failure = null;
      try {
        kernel.linear(x, rows, w, b, in, out, y, start, to);
      } catch (Throwable t) {
        failure = t;
      }
      // Parts no helper has picked up yet run here, all of them before waiting on any helper;
      // then every helper is idle again before the call returns, even after a failure.
      for (int i = 0; i < used; i++) {
        failure = first(failure, helpers[i].runIfUnstarted());
      }
      for (int i = 0; i < used; i++) {
        failure = first(failure, helpers[i].await());
      }
      if (failure instanceof RuntimeException r) {
        throw r;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      if (failure != null) {
        throw new IllegalStateException("a projection part failed", failure);
      }
    } finally {
      owner.unlock();
    }
  }

  private static Throwable first(Throwable kept, Throwable next) {
    return kept != null ? kept : next;
  }

  /**
   * A daemon thread running one handed-over part at a time. A part it has not picked up by the time
   * the caller finishes its own (the helper's CPU was taken away) is run by the caller instead, so
   * a descheduled helper delays nothing it had not started.
   */
  private static final class Helper extends Thread {

    private final AtomicReference<Runnable> pending = new AtomicReference<>();
    private volatile boolean done = true;
    private volatile Throwable failure;

    Helper(String name) {
      super(name);
      setDaemon(true);
    }

    void submit(Runnable r) {
      failure = null;
      done = false;
      pending.set(r);
      LockSupport.unpark(this);
    }

    /** Runs the part here if the helper has not picked it up; returns what it threw, or null. */
    Throwable runIfUnstarted() {
      Runnable unstarted = pending.getAndSet(null);
      if (unstarted == null) {
        return null;
      }
      try {
        unstarted.run();
        return null;
      } catch (Throwable t) {
        return t;
      } finally {
        done = true;
      }
    }

    /** Waits until the part is done; returns what it threw on the helper, or null. */
    Throwable await() {
      while (!done) {
        Thread.onSpinWait();
      }
      return failure;
    }

    @Override
    public void run() {
      while (true) {
        Runnable r = next();
        try {
          r.run();
        } catch (Throwable t) {
          failure = t;
        }
        done = true;
      }
    }

    private Runnable next() {
      long awakeUntil = System.nanoTime() + AWAKE_NANOS;
      while (true) {
        Runnable r = pending.get();
        if (r != null && pending.compareAndSet(r, null)) {
          return r;
        }
        if (System.nanoTime() < awakeUntil) {
          Thread.yield();
        } else {
          LockSupport.park(this);
        }
      }
    }
  }
}
