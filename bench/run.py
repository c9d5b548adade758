#!/usr/bin/env python3
"""Side-by-side load harness: zoneregistry against gdnsd, NSD, Knot and a C responder.

Every server runs pinned to core 0, the load to core 1, on 127.0.0.1 only. Per server and
scenario it measures, in the same run and alternating servers between repetitions:
  - QPS at saturation with bench/flood (batched, many outstanding queries, several sockets),
  - latency (average, p99) and loss with dnsperf -q 500,
  - server CPU µs per answered query: user+sys of the server's process tree from
    /proc/PID/stat over each run, divided by the answers the client counted.
Writes one markdown report (stdout and --out). `--quick` is the CI smoke: one repetition of
5 s per run, and a non-zero exit if the daemon answers under 99 % of the flood's queries.
"""
import argparse
import datetime
import os
import platform
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import resource
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servers as S  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.join(ROOT, ".build", "bench")
PORTS = {"zoneregistry": 15301, "gdnsd": 15302, "nsd": 15303, "knot": 15304, "c-responder": 15305}
SCENARIOS = {
    "address": "1. address mode: 70 % `app` A, 20 % `app` AAAA, 10 % other names (SOA, NS, ns1 A, peer referral)",
    "delegate": "2. delegate mode: the same mix, `app` answered with a referral to the healthy primaries + glue",
}


def build_tools():
    os.makedirs(BIN, exist_ok=True)
    for tool in ("flood", "responder", "listeners", "connect-floor"):
        src, out = os.path.join(HERE, tool + ".c"), os.path.join(BIN, tool)
        if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
            subprocess.run([os.environ.get("CC") or shutil.which("cc") or "clang", "-O2", "-Wall", "-o", out, src], check=True)


def query_file(path, peer="prod1"):
    """100 lines, shuffled with a fixed seed: 70 A, 20 AAAA, 10 other names (`peer` is the
    peer whose referral is asked)."""
    z = S.ZONE
    lines = [f"app.{z} A"] * 70 + [f"app.{z} AAAA"] * 20 + [f"{z} SOA"] * 3 + [f"{z} NS"] * 3 + \
            [f"ns1.{z} A"] * 2 + [f"{peer}.{z} A"] * 2
    random.Random(5).shuffle(lines)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def on_load_core(cmd):
    return ["taskset", "-c", S.LOAD_CORE] + cmd


def flood(port, queries, seconds, server="127.0.0.1"):
    out = subprocess.run(on_load_core([os.path.join(BIN, "flood"), server, str(port), queries, str(seconds)]),
                         check=True, capture_output=True, text=True).stdout
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", out)}


def dnsperf(port, queries, seconds, workdir, server="127.0.0.1"):
    """dnsperf -v writes one line per query with its latency; the trailing run of timeouts is
    what was still in flight when the time limit stopped it (at most -q), not a loss."""
    log = os.path.join(workdir, "dnsperf.out")
    with open(log, "w") as f:
        subprocess.run(on_load_core(["dnsperf", "-s", server, "-p", str(port), "-d", queries, "-l", str(seconds),
                                     "-q", "500", "-v"]), stdout=f, stderr=subprocess.STDOUT, check=True)
    latencies, timeouts, trailing = [], 0, 0
    stats = {}
    with open(log) as f:
        for line in f:
            if line.startswith("> "):
                parts = line.split()
                if parts[1] == "T":
                    timeouts += 1
                    trailing += 1
                else:
                    latencies.append(float(parts[-1]))
                    trailing = 0
            elif ":" in line and line.startswith("  "):
                key, _, value = line.strip().partition(":")
                stats[key] = value.strip()
    latencies.sort()
    completed = len(latencies)
    return {
        "completed": completed,
        "qps": float(stats.get("Queries per second", "0")),
        "avg_us": 1e6 * sum(latencies) / completed if completed else float("nan"),
        "p99_us": 1e6 * latencies[min(completed - 1, int(completed * 0.99))] if completed else float("nan"),
        "max_us": 1e6 * latencies[-1] if completed else float("nan"),
        "lost": timeouts - trailing,
        "in_flight_at_stop": trailing,
    }


def make_server(name, workdir, mode, binary):
    port = PORTS[name]
    if name == "zoneregistry":
        return S.ZoneRegistry(workdir, port, mode, binary)
    if name == "c-responder":
        return S.Responder(workdir, port, mode, os.path.join(BIN, "responder"))
    return {"gdnsd": S.Gdnsd, "nsd": S.NSD, "knot": S.Knot}[name](workdir, port, mode)


def machine_busy():
    """Busy CPU seconds of the whole machine, from /proc/stat (all cores)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def measure(server, queries, seconds, workdir):
    server.start()
    try:
        time.sleep(0.3)
        return measure_running(server, queries, seconds)
    finally:
        server.stop()


def measure_running(server, queries, seconds):
    """bench/flood, then dnsperf, against a started server on its address and port."""
    cpu0, busy0, load0 = S.cpu_seconds(server.pid), machine_busy(), children_cpu()
    f = flood(server.port, queries, seconds, server.address)
    cpu1, busy1, load1 = S.cpu_seconds(server.pid), machine_busy(), children_cpu()
    d = dnsperf(server.port, queries, seconds, server.dir, server.address)
    cpu2 = S.cpu_seconds(server.pid)
    rss = S.rss_kib(server.pid)
    return {
        "flood_qps": f["qps"], "flood_sent": f["sent"], "flood_answered": f["answered"],
        "flood_cpu_us": 1e6 * (cpu1 - cpu0) / max(1, f["answered"]),
        "flood_busy": (cpu1 - cpu0) / f["seconds"],
        # CPU used by anything but this server and its load generator: other work on the machine.
        "foreign": max(0.0, (busy1 - busy0) - (cpu1 - cpu0) - (load1 - load0)) / f["seconds"],
        "dp_qps": d["qps"], "avg_us": d["avg_us"], "p99_us": d["p99_us"], "max_us": d["max_us"], "lost": d["lost"],
        "in_flight": d["in_flight_at_stop"],
        "dp_cpu_us": 1e6 * (cpu2 - cpu1) / max(1, d["completed"]), "rss_kib": rss,
    }


def median_of(runs, key):
    return statistics.median(r[key] for r in runs)


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{cpu}, {os.cpu_count()} cores, Linux {platform.release()}"


def table(mode, results, reps, seconds):
    names = [n for n in results if results[n]]
    med = {n: {k: median_of(results[n], k) for k in results[n][0]} for n in names}
    rows = [f"### Scenario {SCENARIOS[mode]}", "",
            f"Medians of {reps} repetition(s), {seconds} s per run. QPS: bench/flood at saturation. Latency and loss: "
            "dnsperf -q 500 (one thread; it saturates its own core first). CPU µs/q: server user+sys per answered "
            "query in that run. Other load: CPU (in % of one core) used during the flood run by "
            "processes other than the server and its load generator; above ~5 % the QPS column is not trustworthy, "
            "the CPU µs/q columns are less affected.", "",
            "| server | QPS (flood) | CPU µs/q (flood) | server core busy | dnsperf QPS | avg µs | p99 µs | lost | "
            "CPU µs/q (dnsperf) | RSS MiB | other load |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for n in names:
        m = med[n]
        rows.append(f"| {n} | {m['flood_qps']:,.0f} | {m['flood_cpu_us']:.2f} | {100 * m['flood_busy']:.0f} % | "
                    f"{m['dp_qps']:,.0f} | {m['avg_us']:.0f} | {m['p99_us']:.0f} | {m['lost']:.0f} | "
                    f"{m['dp_cpu_us']:.2f} | {m['rss_kib'] / 1024:.1f} | {100 * m['foreign']:.0f} % |")
    if "zoneregistry" in med:
        z = med["zoneregistry"]
        targets = {"gdnsd": 1.0, "nsd": 1.2, "knot": 1.3, "c-responder": 0.95}
        rows += ["", "zoneregistry relative to each anchor (QPS ratio: higher is better; CPU ratio: lower is better):", "",
                 "| anchor | QPS ratio | target | met | CPU/q ratio (flood) | CPU/q ratio (dnsperf) |",
                 "| --- | ---: | ---: | --- | ---: | ---: |"]
        for n in names:
            if n == "zoneregistry":
                continue
            a = med[n]
            ratio = z["flood_qps"] / a["flood_qps"] if a["flood_qps"] else float("nan")
            t = targets[n]
            rows.append(f"| {n} | {ratio:.3f}× | ≥ {t}× | {'yes' if ratio >= t else 'no, by %.1f %%' % (100 * (t - ratio) / t)} | "
                        f"{z['flood_cpu_us'] / a['flood_cpu_us']:.3f} | {z['dp_cpu_us'] / a['dp_cpu_us']:.3f} |")
    return "\n".join(rows) + "\n", med


def write_section(path, section, text, by="bench/run.py"):
    """Replace the marked section of a hand-written report, or append it, keeping the rest."""
    begin, end = f"<!-- BEGIN {section} (generated by {by}) -->", f"<!-- END {section} -->"
    old = open(path).read() if os.path.exists(path) else ""
    block = f"{begin}\n{text.rstrip()}\n{end}"
    if begin in old and end in old:
        new = old[:old.index(begin)] + block + old[old.index(end) + len(end):]
    else:
        new = old.rstrip() + ("\n\n" if old else "") + block + "\n"
    with open(path, "w") as f:
        f.write(new)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="CI smoke: 1 repetition, 5 s runs, daemon and C responder only unless --anchors")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=8)
    ap.add_argument("--scenarios", default="address,delegate")
    ap.add_argument("--servers", default="zoneregistry,gdnsd,nsd,knot,c-responder")
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "zoneregistry"))
    ap.add_argument("--out", default=None, help="markdown file to write (default: none)")
    ap.add_argument("--section", default="side-by-side", help="marked section of --out to replace")
    ap.add_argument("--workdir", default="/tmp/zoneregistry-bench")
    args = ap.parse_args()
    if args.quick:
        args.reps, args.seconds = 1, min(args.seconds, 5)
    build_tools()
    os.makedirs(args.workdir, exist_ok=True)
    queries = query_file(os.path.join(args.workdir, "queries.txt"))
    available = S.anchors_available()
    names = [n for n in args.servers.split(",") if available.get(n, True)]
    skipped = [n for n in args.servers.split(",") if n not in names]
    listeners = subprocess.Popen([os.path.join(BIN, "listeners"), "4", str(S.PEERS_PORT)], stdout=subprocess.PIPE, text=True)
    assert listeners.stdout.readline().strip() == "ready"
    report = [f"## Side by side ({datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')})", "",
              f"- machine: {machine()}", f"- command: `{' '.join(shlex.quote(a) for a in sys.argv)}`",
              f"- servers pinned to core {S.SERVER_CORE} (`taskset`), load to core {S.LOAD_CORE}; one worker thread each "
              "(gdnsd udp_threads 1, NSD server-count 1, Knot udp-workers 1); peers healthy (TCP listeners on 127.0.16.1-3)"]
    if skipped:
        report.append(f"- not installed, skipped: {', '.join(skipped)}")
    report.append("")
    failed = False
    try:
        for mode in args.scenarios.split(","):
            results = {n: [] for n in names}
            for rep in range(args.reps):
                order = names[rep % len(names):] + names[:rep % len(names)]
                for n in order:
                    r = measure(make_server(n, args.workdir, mode, args.binary), queries, args.seconds, args.workdir)
                    results[n].append(r)
                    print(f"[{mode} rep {rep + 1}] {n}: flood {r['flood_qps']:,.0f} q/s {r['flood_cpu_us']:.2f} µs/q, "
                          f"dnsperf {r['dp_qps']:,.0f} q/s avg {r['avg_us']:.0f} µs p99 {r['p99_us']:.0f} µs lost {r['lost']}",
                          file=sys.stderr, flush=True)
            text, med = table(mode, results, args.reps, args.seconds)
            report.append(text)
            for r in results.get("zoneregistry", []):
                share = r["flood_answered"] / max(1, r["flood_sent"])
                if share < 0.99:
                    failed = True
                    report.append(f"**FAIL**: zoneregistry answered {100 * share:.2f} % of the flood's queries (< 99 %)\n")
    finally:
        listeners.terminate()
        listeners.wait()
    text = "\n".join(report)
    print(text)
    if args.out:
        write_section(args.out, args.section, text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
