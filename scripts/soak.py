#!/usr/bin/env python3
"""Soak load for the search function (scripts/soak.sh starts the function and calls this).

C connections, each a thread with one keep-alive HTTP/1.1 connection, send a mix of valid requests
(search by POST and GET, embed, score, info) and invalid ones (malformed or lax JSON, limits, bogus
methods, wrong Content-Type, unknown paths, no key). Every 10 s it prints the requests so far, the
status counts, socket errors, p50/p99 of the interval's answers and the function's RSS (VmRSS of
--pid). It exits 1 on any 5xx, socket error or status other than the one a request kind expects, or
when the RSS grows faster than --max-rss-slope MB/min after the warm-up (least squares over the
samples) or ends above --max-rss MB. With --burst N it first sends N /embed requests at once, each at
the limits (64 texts of 2,000 characters), and fails unless each is answered 200 or 503 and the RSS
stays within --max-burst-rss MB of its value before. Python's standard library only.
"""
import argparse
import http.client
import json
import re
import subprocess
import random
import sys
import threading
import time
import urllib.parse

QUERIES = [
    "How tall is the highest mountain?", "how do I bake bread", "what causes rain", "jazz history",
    "symptoms of the flu", "how do vaccines work", "the speed of light", "who painted the Mona Lisa",
    "what is inflation", "how to save money", "why is the sky blue", "largest ocean on earth",
]


def kinds(key):
    """(weight, name, expected statuses, request builder) for each kind of request the soak sends."""
    def post(path, body, ctype="application/json"):
        return lambda: ("POST", path, body.encode() if isinstance(body, str) else body, {"Content-Type": ctype})

    def search():
        body = json.dumps({"query": random.choice(QUERIES), "topK": random.randint(1, 20)})
        return ("POST", "/search", body.encode(), {"Content-Type": "application/json"})

    def search_get():
        q = urllib.parse.urlencode({"query": random.choice(QUERIES), "topK": random.randint(1, 10)})
        return ("GET", "/search?" + q, None, {})

    def embed():
        body = json.dumps({"texts": random.sample(QUERIES, 2)})
        return ("POST", "/embed", body.encode(), {"Content-Type": "application/json"})

    def score():
        body = json.dumps({"query": random.choice(QUERIES), "passages": random.sample(QUERIES, 3)})
        return ("POST", "/score", body.encode(), {"Content-Type": "application/json"})

    def bogus_method():
        return ("M%d" % random.randint(0, 10**6), "/info", None, {})

    def unknown_path():
        return ("GET", "/nope-%d" % random.randint(0, 10**6), None, {})

    table = [
        (40, "search", {200}, search),
        (10, "search-get", {200}, search_get),
        (4, "embed", {200}, embed),
        (4, "score", {200}, score),
        (5, "info", {200}, lambda: ("GET", "/info", None, {})),
        (5, "malformed-json", {400}, post("/search", '{"query": ')),
        (5, "lax-json", {400}, post("/search", '{"query":"q","topK":"3"}')),
        (5, "over-limit", {400}, post("/search", '{"query":"q","topK":101}')),
        (5, "bogus-method", {405}, bogus_method),
        (5, "not-json", {415}, post("/search", '{"query":"q"}', "text/plain")),
        (4, "unknown-path", {404}, unknown_path),
        (2, "uri-too-long", {414}, lambda: ("GET", "/search?query=" + "q" * 5000, None, {})),
        (2, "headers-too-large", {431}, lambda: ("GET", "/info", None, {"X-Padding": "p" * 20000})),
    ]
    if key:
        table.append((4, "no-key", {401}, lambda: ("GET", "/info", None, {"X-No-Key": "1"})))
    return table


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.statuses = {}
        self.socket_errors = 0
        self.unexpected = {}
        self.latencies = []

    def record(self, kind, status, expected, ms):
        with self.lock:
            self.requests += 1
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status not in expected:
                k = "%s->%d" % (kind, status)
                self.unexpected[k] = self.unexpected.get(k, 0) + 1
            self.latencies.append(ms)

    def socket_error(self):
        with self.lock:
            self.socket_errors += 1

    def take_latencies(self):
        with self.lock:
            out, self.latencies = self.latencies, []
        return sorted(out)


def worker(host, port, key, table, stats, stop):
    weights = [w for w, *_ in table]
    conn = None
    while not stop.is_set():
        _, name, expected, build = random.choices(table, weights)[0]
        method, path, body, headers = build()
        if key and "X-No-Key" not in headers:
            headers = dict(headers, **{"X-API-Key": key})
        headers.pop("X-No-Key", None)
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=60)
            t0 = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            stats.record(name, response.status, expected, (time.perf_counter() - t0) * 1000)
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            if not stop.is_set():
                stats.socket_error()
            if conn is not None:
                conn.close()
            conn = None
    if conn is not None:
        conn.close()


def rss_mb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def percentile(values, p):
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(p * len(values)))]


def slope_mb_per_min(samples):
    """Least-squares slope of (seconds, MB) samples, in MB per minute."""
    if len(samples) < 2:
        return 0.0
    n = len(samples)
    mt = sum(t for t, _ in samples) / n
    mr = sum(r for _, r in samples) / n
    var = sum((t - mt) ** 2 for t, _ in samples)
    if var == 0:
        return 0.0
    return sum((t - mt) * (r - mr) for t, r in samples) / var * 60


def burst(host, port, key, n, pid):
    """N maximal /embed requests at once; returns (statuses, RSS before, peak RSS) while sampling every 0.2 s."""
    texts = [(("w%d " % i) * 1000)[:2000] for i in range(64)]
    body = json.dumps({"texts": texts}).encode()
    statuses = []
    lock = threading.Lock()

    def call():
        conn = http.client.HTTPConnection(host, port, timeout=300)
        try:
            conn.request("POST", "/embed", body=body, headers={"Content-Type": "application/json", "X-API-Key": key})
            r = conn.getresponse()
            r.read()
            status = r.status
        except (OSError, http.client.HTTPException) as e:
            status = "socket error: %s" % e
        finally:
            conn.close()
        with lock:
            statuses.append(status)

    before = rss_mb(pid) if pid else None
    peak = before
    threads = [threading.Thread(target=call, daemon=True) for _ in range(n)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        time.sleep(0.2)
        r = rss_mb(pid) if pid else None
        if r is not None and (peak is None or r > peak):
            peak = r
    return statuses, before, peak


def nmt_baseline(jcmd, pid):
    """A new NMT baseline, for print_nmt_diff to compare against."""
    subprocess.run([jcmd, str(pid), "VM.native_memory", "baseline"], capture_output=True, timeout=60)


def print_nmt_diff(jcmd, pid, label="burst: JVM committed memory against idle"):
    """The JVM's committed memory against the baseline, by NMT category (what is not here is native memory the JVM
    does not track: libtorch's and glibc's)."""
    run = subprocess.run([jcmd, str(pid), "VM.native_memory", "summary.diff", "scale=MB"], capture_output=True,
                         text=True, timeout=60)
    out = run.stdout
    if run.returncode != 0 or "Native Memory Tracking" not in out:
        print("burst: no NMT figures (is the function started with -XX:NativeMemoryTracking=summary and"
              " baselined?): %s" % (out + run.stderr).strip()[-300:], flush=True)
        return
    parts = []
    for line in out.splitlines():
        m = re.match(r"\s*(?:-\s*)?([A-Za-z][A-Za-z ]*?):?\s*\(?reserved=[^,]*, committed=(\d+)MB(?:\s+([+-]\d+MB))?", line)
        if m and m.group(3) and m.group(3) not in ("+0MB", "-0MB"):
            parts.append("%s %s (%s MB)" % (m.group(1).strip(), m.group(3), m.group(2)))
    print("%s (NMT): %s" % (label, "; ".join(parts) or "unchanged"), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default="http://127.0.0.1:8080")
    p.add_argument("--key", default="", help="the API key (X-API-Key); empty when auth is off")
    p.add_argument("--seconds", type=int, default=600)
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--pid", type=int, default=0, help="the function's process, for its RSS")
    p.add_argument("--interval", type=int, default=10)
    p.add_argument("--warmup", type=int, default=-1, help="seconds left out of the RSS slope (default: min(120, a third))")
    p.add_argument("--max-rss-slope", type=float, default=1.0, help="MB per minute after the warm-up")
    p.add_argument("--max-rss", type=float, default=1536.0, help="MB")
    p.add_argument("--only", default="", help="comma-separated request kinds to send (default: all), to find what grows memory")
    p.add_argument("--burst", type=int, default=0, help="maximal /embed requests sent at once before the soak")
    p.add_argument("--max-burst-rss", type=float, default=300.0, help="MB over the RSS before the burst")
    p.add_argument("--nmt-jcmd", default="", help="jcmd of a function started with -XX:NativeMemoryTracking=summary"
                   " and baselined: prints the JVM's own memory change after the burst, by category")
    a = p.parse_args()
    u = urllib.parse.urlparse(a.url)
    warmup = a.warmup if a.warmup >= 0 else min(120, a.seconds // 3)
    failures = []
    if a.burst:
        t = time.time()
        statuses, before, peak = burst(u.hostname, u.port or 80, a.key, a.burst, a.pid)
        counts = {str(k): statuses.count(k) for k in sorted(set(statuses), key=str)}
        growth = (peak - before) if before is not None else None
        print("burst: %d maximal /embed at once in %.1f s: statuses %s; RSS before %s, peak %s (+%s)"
              % (a.burst, time.time() - t, json.dumps(counts), "%.0f MB" % before if before else "-",
                 "%.0f MB" % peak if peak else "-", "%.0f MB" % growth if growth is not None else "-"), flush=True)
        if a.nmt_jcmd and a.pid:
            print_nmt_diff(a.nmt_jcmd, a.pid)
        if any(k not in (200, 503) for k in statuses):
            failures.append("burst answers other than 200 or 503: %s" % json.dumps(counts))
        if growth is not None and growth > a.max_burst_rss:
            failures.append("burst raised the RSS by %.0f MB (bound %.0f)" % (growth, a.max_burst_rss))
    table = kinds(a.key)
    if a.only:
        wanted = set(a.only.split(","))
        table = [k for k in table if k[1] in wanted]
        if not table:
            p.error("--only names no request kind; kinds: " + ", ".join(k[1] for k in kinds(a.key)))
    stats = Stats()
    stop = threading.Event()
    threads = [threading.Thread(target=worker, args=(u.hostname, u.port or 80, a.key, table, stats, stop), daemon=True)
               for _ in range(a.connections)]
    print("soak: %d connections for %d s against %s (RSS of pid %s, slope after %d s)"
          % (a.connections, a.seconds, a.url, a.pid or "-", warmup), flush=True)
    t0 = time.time()
    for t in threads:
        t.start()
    samples = []
    last = 0
    baselined = None
    while True:
        elapsed = time.time() - t0
        if elapsed >= a.seconds:
            break
        time.sleep(min(a.interval, a.seconds - elapsed))
        elapsed = time.time() - t0
        lat = stats.take_latencies()
        rss = rss_mb(a.pid) if a.pid else None
        if rss is not None:
            samples.append((elapsed, rss))
        with stats.lock:
            n, statuses, errors = stats.requests, dict(stats.statuses), stats.socket_errors
        print("t=%4.0fs requests %7d (%5.0f/s) statuses %s socket-errors %d p50 %.1f ms p99 %.1f ms RSS %s"
              % (elapsed, n, (n - last) / a.interval, json.dumps(dict(sorted(statuses.items()))), errors,
                 percentile(lat, 0.5), percentile(lat, 0.99), "%.0f MB" % rss if rss is not None else "-"), flush=True)
        last = n
        if a.nmt_jcmd and a.pid and not baselined and elapsed >= warmup:
            # What the JVM commits after the warm-up, against what the RSS does (printed at the end).
            nmt_baseline(a.nmt_jcmd, a.pid)
            baselined = (elapsed, rss)
    stop.set()
    for t in threads:
        t.join(timeout=70)

    five = sum(c for s, c in stats.statuses.items() if s >= 500)
    if five:
        failures.append("%d answers were 5xx" % five)
    if stats.socket_errors:
        failures.append("%d socket errors" % stats.socket_errors)
    if stats.unexpected:
        failures.append("unexpected statuses %s" % json.dumps(stats.unexpected, sort_keys=True))
    print("soak: %d requests, statuses %s, socket errors %d"
          % (stats.requests, json.dumps(dict(sorted(stats.statuses.items()))), stats.socket_errors))
    if samples:
        steady = [s for s in samples if s[0] >= warmup]
        slope = slope_mb_per_min(steady)
        print("soak: RSS series (MB) %s" % " ".join("%.0f" % r for _, r in samples))
        print("soak: RSS first %.0f MB, last %.0f MB, max %.0f MB; slope after %d s %.2f MB/min (bound %.2f)"
              % (samples[0][1], samples[-1][1], max(r for _, r in samples), warmup, slope, a.max_rss_slope))
        if slope > a.max_rss_slope:
            failures.append("RSS grows %.2f MB/min after the warm-up (bound %.2f)" % (slope, a.max_rss_slope))
        if samples[-1][1] > a.max_rss:
            failures.append("RSS ends at %.0f MB (bound %.0f)" % (samples[-1][1], a.max_rss))
    if baselined and baselined[1] is not None and samples:
        print("soak: RSS %+.0f MB from %.0f s to the end" % (samples[-1][1] - baselined[1], baselined[0]), flush=True)
        print_nmt_diff(a.nmt_jcmd, a.pid, "soak: JVM committed memory from %.0f s to the end" % baselined[0])
    for f in failures:
        print("soak: FAIL: " + f)
    if not failures:
        print("soak: OK")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
