package dev.d2llm.function;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jboss.logging.Logger;

/**
 * Logs refused requests without letting callers fill the log: each one at DEBUG in one line, and at
 * most one WARN a minute that counts them by status. Refusals never carry a stack trace.
 */
@ApplicationScoped
public class RejectionLog {

  private static final Logger LOG = Logger.getLogger(RejectionLog.class);
  private static final long SUMMARY_INTERVAL_NANOS = 60_000_000_000L;

  private final Map<Integer, LongAdder> counts = new ConcurrentHashMap<>();
  private final AtomicLong lastSummary = new AtomicLong(System.nanoTime() - SUMMARY_INTERVAL_NANOS);

  /** Records one refused request. */
  void rejected(int status, String method, String path, String reason) {
    LOG.debugf("refused %s %s with %d: %s", method, path, status, reason);
    counts.computeIfAbsent(status, s -> new LongAdder()).increment();
    long last = lastSummary.get();
    long now = System.nanoTime();
    if (now - last >= SUMMARY_INTERVAL_NANOS && lastSummary.compareAndSet(last, now)) {
      Map<Integer, Long> byStatus = new TreeMap<>();
      counts.forEach(
          (s, n) -> {
            long c = n.sumThenReset();
            if (c > 0) {
              byStatus.put(s, c);
            }
          });
      LOG.warnf(
          "refused %d requests since the last summary (by status: %s), the latest %s %s with %d: %s; DEBUG on %s"
              + " logs each",
          byStatus.values().stream().mapToLong(Long::longValue).sum(),
          byStatus,
          method,
          path,
          status,
          reason,
          RejectionLog.class.getName());
    }
  }
}
