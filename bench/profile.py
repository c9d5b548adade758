#!/usr/bin/env python3
"""Deterministic figures: user-space instructions and heap allocations per answered query.

- Instructions: the daemon under `valgrind --tool=callgrind`, once idle (start, one readiness
  query, stop) and once answering N more queries; (Ir_N - Ir_idle) / N. Plus callgrind's top
  functions by self cost for the loaded run.
- Heap: the daemon under valgrind (memcheck) answering N1 and N2 queries; the heap summary's
  "allocs" difference divided by N2 - N1.
Probing is slowed to `interval 300` so timers do not add work that depends on wall time.
"""
import argparse
import datetime
import os
import re
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servers as S  # noqa: E402
from run import ROOT, machine, query_file, write_section, BIN, build_tools  # noqa: E402

PORT = 15311


def drive(port, lines, count, window=16):
    """Send `count` queries from the mix with at most `window` outstanding; return answers."""
    mix = [(n, {"A": 1, "AAAA": 28, "SOA": 6, "NS": 2}[t]) for n, t in (l.split() for l in lines)]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect(("127.0.0.1", port))
    s.settimeout(5)
    answered, sent = 0, 0
    while sent < count:
        burst = min(window, count - sent)
        for i in range(burst):
            name, qtype = mix[(sent + i) % len(mix)]
            s.send(S.dns_query(name, qtype, (sent + i) & 0xffff))
        sent += burst
        for _ in range(burst):
            try:
                s.recv(4096)
                answered += 1
            except socket.timeout:
                break
    s.close()
    return answered


def under_valgrind(tool_args, binary, conf, lines, count, workdir, tag):
    out = os.path.join(workdir, f"{tag}.out")
    log = os.path.join(workdir, f"{tag}.log")
    cmd = ["valgrind", "--log-file=" + log] + tool_args(out) + [binary, "-conf", conf, "-quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    while not S.answers(PORT, "app." + S.ZONE, timeout=1.0):
        if time.time() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError(f"daemon under valgrind did not answer; see {log}")
    answered = drive(PORT, lines, count) if count else 0
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(120)
    return out, log, answered


def callgrind_total(out):
    with open(out) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    raise RuntimeError("no totals in " + out)


def heap_allocs(log):
    text = open(log).read()
    m = re.search(r"total heap usage: ([\d,]+) allocs", text)
    return int(m.group(1).replace(",", ""))


def top_functions(out, n=15):
    text = subprocess.run(["callgrind_annotate", "--inclusive=no", out], capture_output=True, text=True).stdout
    rows = []
    for line in text.splitlines():
        m = re.match(r"\s*([\d,]+) \(\s*([\d.]+)%\)\s+(.*)", line)
        if m and "PROGRAM TOTALS" not in line:
            rows.append((int(m.group(1).replace(",", "")), m.group(2), m.group(3)))
    return rows[:n]


# `MODE+quorum`: the same registry with the masters' exchange on (SPEC §9): a fellow master on
# 127.0.0.2 (not under valgrind) and a TSIG key. The exchange runs per interval, so the idle and
# the loaded run do the same exchange work and the difference is what the queries cost.
QUORUM_SECRET = "cHJvZmlsZS1xdW9ydW0ta2V5LW5vdC1hLXNlY3JldA=="


def profiled_corefile(mode, bind="127.0.0.1", name="ns1"):
    base = mode.split("+")[0]
    if not mode.endswith("+quorum"):
        return S.corefile(base, PORT, interval="300")
    text = S.corefile(base, PORT, interval="300",
                      directives=[f"tsig {{\n        secret masters.{S.ZONE}. {QUORUM_SECRET}\n    }}"],
                      extra=f"        ns ns2.{S.ZONE} 127.0.0.2\n        quorum masters.{S.ZONE}.\n        self {name}.{S.ZONE}")
    return text.replace("bind 127.0.0.1", f"bind {bind}")


def start_fellow(binary, workdir):
    conf = os.path.join(workdir, "Corefile.fellow")
    with open(conf, "w") as f:
        f.write(profiled_corefile("address+quorum", bind="127.0.0.2", name="ns2"))
    return subprocess.Popen([binary, "-conf", conf, "-quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "zoneregistry"))
    ap.add_argument("--queries", type=int, default=20000)
    ap.add_argument("--modes", default="address,delegate",
                    help="comma-separated; MODE+quorum runs MODE with the masters' exchange on")
    ap.add_argument("--runs", type=int, default=3,
                    help="loaded callgrind runs per mode; the median is reported (how many queries share a "
                         "loop wakeup varies from run to run, and with it the per-wakeup share)")
    ap.add_argument("--out")
    ap.add_argument("--section", default="profile")
    ap.add_argument("--workdir", default="/tmp/zoneregistry-bench/profile")
    args = ap.parse_args()
    build_tools()
    os.makedirs(args.workdir, exist_ok=True)
    lines = open(query_file(os.path.join(args.workdir, "queries.txt"))).read().split("\n")[:-1]
    listeners = subprocess.Popen([os.path.join(BIN, "listeners"), "4", str(S.PEERS_PORT)], stdout=subprocess.PIPE, text=True)
    assert listeners.stdout.readline().strip() == "ready"
    n = args.queries
    report = [f"## Instructions and heap allocations per query ({datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')})",
              "", f"- machine: {machine()}", f"- command: `python3 bench/profile.py --queries {n}` "
              "(valgrind --tool=callgrind and valgrind memcheck; deterministic, load-independent)", "",
              f"| mode | instructions/query (callgrind, user space; median of {args.runs}) | range | target | heap allocs/query | target |",
              "| --- | ---: | ---: | ---: | ---: | ---: |"]
    tops = []
    try:
        for mode in args.modes.split(","):
            conf = os.path.join(args.workdir, f"Corefile.{mode}")
            with open(conf, "w") as f:
                f.write(profiled_corefile(mode))
            fellow = start_fellow(args.binary, args.workdir) if mode.endswith("+quorum") else None
            cg = lambda out: ["--tool=callgrind", "--dump-instr=yes", "--callgrind-out-file=" + out]  # noqa: E731
            idle, _, _ = under_valgrind(cg, args.binary, conf, lines, 0, args.workdir, f"cg-idle-{mode}")
            runs = []
            for run in range(max(1, args.runs)):
                busy, _, answered = under_valgrind(cg, args.binary, conf, lines, n, args.workdir, f"cg-busy-{mode}-{run}")
                runs.append(((callgrind_total(busy) - callgrind_total(idle)) / max(1, answered), busy, answered))
            runs.sort(key=lambda r: r[0])
            ir, busy, answered = runs[len(runs) // 2]
            spread = f"{runs[0][0]:,.0f}–{runs[-1][0]:,.0f}"
            mc = lambda out: ["--tool=memcheck", "--leak-check=no"]  # noqa: E731
            _, log1, a1 = under_valgrind(mc, args.binary, conf, lines, n // 4, args.workdir, f"mc-small-{mode}")
            _, log2, a2 = under_valgrind(mc, args.binary, conf, lines, n, args.workdir, f"mc-large-{mode}")
            allocs = (heap_allocs(log2) - heap_allocs(log1)) / max(1, a2 - a1)
            report.append(f"| {mode} | {ir:,.0f} | {spread} | ≤ 1,000 (address) | {allocs:.3f} | 0 |")
            print(f"{mode}: {ir:,.0f} instructions/query ({spread}), {allocs:.3f} allocs/query ({answered} answered)",
                  file=sys.stderr)
            tops.append((mode, busy, top_functions(busy)))
            if fellow:
                fellow.terminate()
                fellow.wait()
    finally:
        listeners.terminate()
        listeners.wait()
    for mode, path, rows in tops:
        report += ["", f"Top functions by self cost, {mode} mode, {n} queries + start/stop (callgrind_annotate):", "",
                   "| instructions | share | function |", "| ---: | ---: | --- |"]
        report += [f"| {ir:,} | {pct} % | `{fn[:110]}` |" for ir, pct, fn in rows]
    text = "\n".join(report) + "\n"
    print(text)
    if args.out:
        write_section(args.out, args.section, text)


if __name__ == "__main__":
    main()
