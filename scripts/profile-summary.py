#!/usr/bin/env python3
"""Tabulates a PyTorch operator trace (bench encode --profile): self time per op, largest first.

Usage: scripts/profile-summary.py TRACE.json [TOP]   (TOP rows, default 25)
Self time is an op's duration less that of the ops it called, so the column sums to the traced time.
"""
import collections
import json
import sys


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    with open(path) as f:
        trace = json.load(f)
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    by_thread = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            by_thread[e.get("tid")].append(e)
    self_us = collections.Counter()
    calls = collections.Counter()
    shapes = collections.defaultdict(collections.Counter)
    for evs in by_thread.values():
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack = []  # [event, child time]
        def close(item):
            ev, child = item
            self_us[ev["name"]] += ev["dur"] - child
            if stack:
                stack[-1][1] += ev["dur"]
        for e in evs:
            while stack and stack[-1][0]["ts"] + stack[-1][0]["dur"] <= e["ts"]:
                close(stack.pop())
            stack.append([e, 0])
            calls[e["name"]] += 1
            dims = (e.get("args") or {}).get("Input Dims")
            if dims is not None:
                shapes[e["name"]][str(dims)] += e["dur"]
        while stack:
            close(stack.pop())
    total = sum(self_us.values())
    print(f"traced self time {total / 1e6:.3f} s over {sum(calls.values())} ops")
    print(f"{'op':40s} {'self_s':>9s} {'share':>6s} {'calls':>7s}  heaviest input dims")
    for name, us in self_us.most_common(top):
        heavy = shapes[name].most_common(1)
        print(f"{name[:40]:40s} {us / 1e6:9.3f} {100 * us / total:5.1f}% {calls[name]:7d}  "
              f"{heavy[0][0][:60] if heavy else ''}")


if __name__ == "__main__":
    main()
