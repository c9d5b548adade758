#!/usr/bin/env python3
"""Zone transfer of a large zone (SPEC §10), in one run: how long an AXFR of the 10,000-peer
zone takes, whether streaming it holds DNS answers longer than a /metrics scrape of the same
daemon does, and how fast NSD serves the zone once it has transferred it ("the fleet's speed").

Setup: the daemon on 127.0.23.1 (flooded) and 127.0.23.2 (the ticker's listener), PEERS
`protocol tcp` peers on 127.23.0.0 and up (bench/listeners -first, healthy) probed every 300 s
(after the first round, spread over one second, probing costs nothing during the run), two
primaries, `names app www api`, `transfer { to 127.0.23.10 127.0.23.20:PORT }`, `prometheus`.
AXFRs and the ticker come from 127.0.23.10 (a `to` address); every client runs on core 1, the
daemon and NSD on core 0.

1. AXFR: `dig AXFR` --axfrs times, one every --period s, with nothing else running but the
   ticker (below): dig's query time, records, messages, bytes, and the ticker's longest wait
   during each (the first builds the zone's record list for its serial; the others reuse it).
2. Loop turns: dnsperf -q 500 floods 127.0.23.1 for --seconds, in three cases side by side,
   --rounds times in turn: flood only; flood + an AXFR every --period s; flood + a /metrics
   scrape every --period s. Meanwhile the ticker asks 127.0.23.2 one question at a time and
   times each answer from just before its send to the kernel's receive timestamp
   (SO_TIMESTAMPNS), so its own scheduling does not count: a lone query on an idle socket
   waits for the loop turn under way, so its longest wait is the longest turn that held DNS.
   Reported: dnsperf's QPS, p99 and max latency, the ticker's p99, and its longest wait per
   --period window (one AXFR or scrape each): median and maximum over the windows.
3. NSD (`nsd`, one server process) as a secondary on 127.0.23.20, transferring from the
   daemon; once it answers the daemon's serial, bench/flood then dnsperf (run.measure_running)
   against each of them with the same query file, --reps times, alternating.
Writes the `transfer` section of --out.

Usage: python3 bench/transfer.py [--binary PATH] [--peers 10000] [--seconds 6] [--rounds 3]
       [--out bench/RESULTS.md]    (or `make bench-transfer`)
"""
import argparse
import datetime
import os
import re
import resource
import shlex
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servers as S  # noqa: E402
from run import (BIN, ROOT, build_tools, children_cpu, dnsperf, machine, machine_busy, measure_running,  # noqa: E402
                 on_load_core, query_file, write_section)
from scrape import probed_peers, scrape_times  # noqa: E402

REGISTRY, TICKED = "127.0.23.1", "127.0.23.2"
# Source of the AXFRs and the ticker (a `transfer to` address).
CLIENT = "127.0.23.10"
SECONDARY = "127.0.23.20"
PORT, METRICS_PORT, NSD_PORT, PEERS_PORT = 15401, 15402, 15403, 15486
METRICS = f"{REGISTRY}:{METRICS_PORT}"
FIRST_PEER = "127.23.0.0"
# <asm-generic/socket.h>; Python's socket module does not name it.
SO_TIMESTAMPNS = 35


def peers(n):
    return [(f"p{i}", "primary" if i < 2 else "secondary", f"127.23.{i // 256}.{i % 256}") for i in range(n)]


def registry_corefile(n):
    return S.corefile("address", PORT, peers=peers(n), interval="300s", ipv6=False, peers_port=PEERS_PORT,
                      bind=f"{REGISTRY} {TICKED}", extra="        names app www api",
                      directives=(f"prometheus {METRICS}",
                                  f"transfer {{\n        to {CLIENT} {SECONDARY}:{NSD_PORT}\n    }}"))


class Secondary(S.NSD):
    """NSD transferring the zone from the daemon (docs/transfer.md's configuration, unsigned)."""
    name = "nsd-secondary"
    address = SECONDARY

    def zone_options(self):
        return "\n".join([f'    zonefile: "{self.dir}/{S.ZONE}.zone"', f"    request-xfr: {REGISTRY}@{PORT} NOKEY",
                          f"    allow-notify: {REGISTRY} NOKEY", f"    outgoing-interface: {SECONDARY}"])


def parse_dig_xfr(text):
    """dig +stats after an AXFR: {"ms", "records", "messages", "bytes"}; ValueError when the
    transfer failed."""
    size = re.search(r";; XFR size: (\d+) records \(messages (\d+), bytes (\d+)\)", text)
    took = re.search(r";; Query time: (\d+) msec", text)
    if "Transfer failed" in text or not size or not took:
        raise ValueError(f"AXFR failed: {text.strip()[-300:]}")
    return {"ms": int(took.group(1)), "records": int(size.group(1)), "messages": int(size.group(2)),
            "bytes": int(size.group(3))}


def axfr():
    out = subprocess.run(on_load_core(["dig", f"@{REGISTRY}", "-p", str(PORT), "-b", CLIENT, S.ZONE, "AXFR",
                                       "+noall", "+stats", "+time=10"]), capture_output=True, text=True)
    return parse_dig_xfr(out.stdout + out.stderr)


def scrape():
    first, total, size = scrape_times(METRICS, on_load_core)
    return {"ms": 1000 * total, "first_ms": 1000 * first, "bytes": size}


def soa_serial(address, port):
    """The serial `address` answers with authority (aa), or None."""
    out = subprocess.run(["dig", f"@{address}", "-p", str(port), S.ZONE, "SOA", "+norec", "+time=1", "+tries=1"],
                         capture_output=True, text=True).stdout
    answer = re.search(rf"^{re.escape(S.ZONE)}\.\s+\d+\s+IN\s+SOA\s+\S+\s+\S+\s+(\d+)", out, re.M)
    return int(answer.group(1)) if answer and re.search(r"flags:[^;]*\baa\b", out) else None


def kernel_receive_ns(ancillary):
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            seconds, nanoseconds = struct.unpack("qq", data[:16])
            return seconds * 1_000_000_000 + nanoseconds
    return None


class Ticker(threading.Thread):
    """One question at a time to the daemon's second listener for `seconds`: (send time in ns,
    wait in µs) of each, the wait from just before its send to the kernel's receive timestamp
    of the answer. A sample whose send itself took over 100 µs (the thread was preempted
    around it) is left out."""

    def __init__(self, seconds, gap=0.001):
        super().__init__(daemon=True)
        self.seconds, self.gap = seconds, gap
        self.samples, self.skipped, self.lost = [], 0, 0
        self.started_ns = time.time_ns()

    @property
    def waits_us(self):
        return [wait for _, wait in self.samples]

    def window_maxima(self, period):
        """The longest wait in each `period`-second window from the start: with side work
        every `period`, one window per AXFR or scrape."""
        longest = {}
        for sent, wait in self.samples:
            k = int((sent - self.started_ns) / (period * 1e9))
            longest[k] = max(longest.get(k, 0.0), wait)
        return [longest[k] for k in sorted(longest)]

    def run(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        sock.bind((CLIENT, 0))
        sock.connect((TICKED, PORT))
        sock.settimeout(1)
        self.started_ns = time.time_ns()
        end, qid = time.time() + self.seconds, 0
        while time.time() < end:
            qid = (qid + 1) & 0xFFFF
            before = time.time_ns()
            sock.send(S.dns_query("app." + S.ZONE, qid=qid))
            after = time.time_ns()
            try:
                while True:
                    data, ancillary, _, _ = sock.recvmsg(4096, socket.CMSG_SPACE(16))
                    if struct.unpack(">H", data[:2])[0] == qid:
                        break
            except socket.timeout:
                self.lost += 1
                continue
            received = kernel_receive_ns(ancillary)
            if received is None or after - before > 100_000:
                self.skipped += 1
            else:
                self.samples.append((before, (received - before) / 1000))
            time.sleep(self.gap)
        sock.close()


class Repeater(threading.Thread):
    """`work()` every `period` seconds for `seconds`; its results in order."""

    def __init__(self, work, seconds, period):
        super().__init__(daemon=True)
        self.work, self.seconds, self.period, self.results = work, seconds, period, []

    def run(self):
        start = time.time()
        for k in range(int(self.seconds / self.period)):
            time.sleep(max(0.0, start + k * self.period - time.time()))
            self.results.append(self.work())


def self_cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")


CASES = {"flood": None, "flood + AXFR": axfr, "flood + /metrics": scrape}


def ticked(server, work, seconds, period, load=None):
    """The ticker for `seconds` while `work` runs every `period` s (if any) and `load()` (if
    any) runs in this thread; CPU other processes took meanwhile, in cores."""
    cpu0, busy0, own0 = S.cpu_seconds(server.pid), machine_busy(), children_cpu() + self_cpu()
    ticker = Ticker(seconds)
    side = Repeater(work, seconds, period) if work else None
    ticker.start()
    if side:
        side.start()
    loaded = load() if load else None
    ticker.join()
    if side:
        side.join()
    cpu, busy = S.cpu_seconds(server.pid) - cpu0, machine_busy() - busy0
    other = max(0.0, busy - cpu - (children_cpu() + self_cpu() - own0)) / seconds
    waits = ticker.waits_us
    return {"waits": waits, "windows": ticker.window_maxima(period), "skipped": ticker.skipped,
            "ticker_lost": ticker.lost, "side": side.results if side else [], "other": other, "load": loaded}


def flooded(server, queries, case, args):
    """dnsperf against the flooded listener for --seconds, the ticker on the other, and the
    case's side work every --period s."""
    row = ticked(server, CASES[case], args.seconds, args.period,
                 lambda: dnsperf(PORT, queries, args.seconds, server.dir, REGISTRY))
    d = row["load"]
    print(f"[{case}] dnsperf {d['qps']:,.0f} q/s p99 {d['p99_us']:.0f} µs max {d['max_us']:.0f} µs; ticker "
          f"{len(row['waits'])} waits, p99 {percentile(row['waits'], 0.99):.0f} µs, longest per window: median "
          f"{statistics.median(row['windows']):.0f} µs max {max(row['windows']):.0f} µs; "
          f"side {len(row['side'])}; other load {100 * row['other']:.0f} %", file=sys.stderr, flush=True)
    return row


def loadavg():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def wait_for(what, check, seconds):
    deadline = time.time() + seconds
    while not check():
        if time.time() > deadline:
            raise RuntimeError(f"{what} within {seconds} s")
        time.sleep(0.2)


def run(args, workdir):
    queries = query_file(os.path.join(workdir, "queries.txt"), peer="p17")
    listeners = subprocess.Popen(on_load_core([os.path.join(BIN, "listeners"), "-first", FIRST_PEER, str(args.peers),
                                               str(PEERS_PORT)]), stdout=subprocess.PIPE, text=True,
                                 preexec_fn=S.raise_fd_limit)
    registry = secondary = None
    try:
        if listeners.stdout.readline().strip() != "ready":
            raise RuntimeError(f"bench/listeners could not listen on {FIRST_PEER} and up, port {PEERS_PORT}")
        registry = S.ZoneRegistry(workdir, PORT, "address", args.binary, corefile_text=registry_corefile(args.peers))
        registry.address = REGISTRY
        registry.start(wait=60)
        wait_for("not every peer was probed", lambda: probed_peers(METRICS) >= args.peers, 60)
        serial = soa_serial(REGISTRY, PORT)
        unloaded = ticked(registry, axfr, args.axfrs * args.period, args.period)
        unloaded["period"] = args.period
        print(f"AXFR: {unloaded['side']}, longest wait per AXFR {[round(w) for w in unloaded['windows']]}",
              file=sys.stderr, flush=True)
        rounds = {case: [] for case in CASES}
        for _ in range(args.rounds):
            for case in CASES:
                rounds[case].append(flooded(registry, queries, case, args))
        secondary = Secondary(workdir, NSD_PORT, "address")
        started = time.time()
        secondary.start(wait=30)
        wait_for(f"NSD did not serve serial {serial}", lambda: soa_serial(SECONDARY, NSD_PORT) == serial, 60)
        transferred = time.time() - started
        fleet = {"zoneregistry": [], "nsd": []}
        for rep in range(args.reps):
            order = [("zoneregistry", registry), ("nsd", secondary)]
            for name, server in order[::-1] if rep % 2 else order:
                row = measure_running(server, queries, args.seconds)
                fleet[name].append(row)
                print(f"[fleet rep {rep + 1}] {name}: flood {row['flood_qps']:,.0f} q/s, dnsperf {row['dp_qps']:,.0f} q/s "
                      f"avg {row['avg_us']:.0f} µs p99 {row['p99_us']:.0f} µs", file=sys.stderr, flush=True)
    finally:
        for server in (secondary, registry):
            if server:
                server.stop()
        listeners.kill()
        listeners.wait()
    return {"serial": serial, "unloaded": unloaded, "rounds": rounds, "transferred_s": transferred, "fleet": fleet}


def ms(us):
    return f"{us / 1000:.2f}"


def axfr_table(unloaded):
    runs, waits = unloaded["side"], unloaded["windows"]
    later = [r["ms"] for r in runs[1:]] or [runs[0]["ms"]]
    first = runs[0]
    return [
        "### AXFR of the zone (nothing else running)", "",
        f"{len(runs)} `dig AXFR` in a row, one every {unloaded['period']} s. The first builds the zone's record list for "
        "its serial (kept for later transfers of that serial). Longest wait: the ticker's longest wait during each AXFR.", "",
        "| records | messages | bytes | dig query time: first | median of the rest | max | longest wait per AXFR: first "
        "| median | max |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {first['records']:,} | {first['messages']} | {first['bytes']:,} | {first['ms']} ms | "
        f"{statistics.median(later):.0f} ms | {max(r['ms'] for r in runs)} ms | {ms(waits[0])} ms | "
        f"{ms(statistics.median(waits))} ms | {ms(max(waits))} ms |", ""]


def turn_summary(rows):
    windows = [w for r in rows for w in r["windows"]]
    return {"qps": statistics.median(r["load"]["qps"] for r in rows),
            "p99": statistics.median(r["load"]["p99_us"] for r in rows),
            "max": max(r["load"]["max_us"] for r in rows),
            "waits": sum(len(r["waits"]) for r in rows),
            "tick_p99": statistics.median(percentile(r["waits"], 0.99) for r in rows),
            "median_window": statistics.median(windows), "max_window": max(windows),
            "side": [x["ms"] for r in rows for x in r["side"]],
            "first": [x["first_ms"] for r in rows for x in r["side"] if "first_ms" in x],
            "other": max(r["other"] for r in rows)}


def turns_table(rounds, args):
    lines = [
        "### Longest loop turn under a DNS flood: AXFR against /metrics scrape", "",
        f"dnsperf -q 500 on 127.0.23.1 for {args.seconds:g} s per run, {args.rounds} rounds of the three cases in turn. "
        "The ticker asks 127.0.23.2 (a second listener of the same loop) one question at a time; its wait runs from "
        "just before the send to the kernel's receive timestamp of the answer (SO_TIMESTAMPNS), so a lone query's "
        f"longest wait is the longest loop turn that held DNS. Windows: {args.period:g} s each, one AXFR or scrape in "
        "each; the median over windows is what one AXFR or scrape costs, the maximum includes whatever else the "
        "machine did. Other load: CPU of other processes during the run, in % of one core (highest run).", "",
        "| case | dnsperf QPS | dnsperf p99 | dnsperf max | ticker waits | ticker p99 | longest wait per window: "
        "median | max | side work done (median time) | other load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |"]
    summary = {case: turn_summary(rows) for case, rows in rounds.items()}
    for case, t in summary.items():
        side = f"{len(t['side'])} × {statistics.median(t['side']):.0f} ms" if t["side"] else "–"
        if t["first"]:
            side += f", first byte {statistics.median(t['first']):.1f} ms"
        lines.append(f"| {case} | {t['qps']:,.0f} | {ms(t['p99'])} ms | {ms(t['max'])} ms | {t['waits']:,} | "
                     f"{ms(t['tick_p99'])} ms | {ms(t['median_window'])} ms | {ms(t['max_window'])} ms | {side} | "
                     f"{100 * t['other']:.0f} % |")
    axfr, scraped = summary["flood + AXFR"], summary["flood + /metrics"]
    median_ratio = axfr["median_window"] / scraped["median_window"]
    max_ratio = axfr["max_window"] / scraped["max_window"]
    met = median_ratio <= 1
    lines += ["", f"AXFR / scrape longest turn: **{median_ratio:.2f}×** per window (median), {max_ratio:.2f}× at the "
              f"maximum. SPEC §10 target (no loop turn holds DNS longer than a scrape of the same size): "
              f"{'met' if met else 'not met'}.", ""]
    return lines, median_ratio


def fleet_table(fleet, transferred_s, serial):
    med = {name: {k: statistics.median(r[k] for r in rows) for k in rows[0]} for name, rows in fleet.items() if rows}
    lines = [
        "### The fleet's speed: NSD as a secondary of the daemon", "",
        f"NSD (`server-count: 1`, unsigned AXFR from the daemon, `outgoing-interface` 127.0.23.20) answered serial "
        f"{serial} {transferred_s:.1f} s after it started. Then bench/flood (QPS at saturation) and dnsperf -q 500 "
        "against each, same query file (70 % `app` A, 20 % AAAA, SOA, NS, ns1 A, a peer's referral), same duration, "
        f"client on core 1, medians of {len(next(iter(fleet.values())))} repetitions alternating the order.", "",
        "| server | QPS (flood) | CPU µs/q (flood) | dnsperf QPS | avg | p99 | max | CPU µs/q (dnsperf) | RSS MiB | "
        "other load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, m in med.items():
        lines.append(f"| {name} | {m['flood_qps']:,.0f} | {m['flood_cpu_us']:.2f} | {m['dp_qps']:,.0f} | "
                     f"{m['avg_us']:.0f} µs | {m['p99_us']:.0f} µs | {ms(m['max_us'])} ms | {m['dp_cpu_us']:.2f} | "
                     f"{m['rss_kib'] / 1024:.1f} | {100 * m['foreign']:.0f} % |")
    ratio = med["nsd"]["flood_qps"] / med["zoneregistry"]["flood_qps"]
    lines += ["", f"NSD / registry QPS: **{ratio:.2f}×** (flood), "
              f"{med['nsd']['dp_qps'] / med['zoneregistry']['dp_qps']:.2f}× (dnsperf); CPU per query "
              f"{med['nsd']['flood_cpu_us'] / med['zoneregistry']['flood_cpu_us']:.2f}× the registry's. Each NSD "
              "secondary serves the zone at about this rate, so a fleet of N adds about N times it.", ""]
    return lines


def report(result, args):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    turns, _ = turns_table(result["rounds"], args)
    return "\n".join([
        f"## Zone transfer of a {args.peers:,}-peer zone ({now})", "",
        f"- machine: {machine()}",
        f"- command: `{' '.join(shlex.quote(a) for a in ['python3'] + sys.argv)}` (`make bench-transfer`)",
        f"- load average (`uptime`) at the start {result['load'][0]}, at the end {result['load'][1]}",
        f"- {args.peers:,} `protocol tcp` peers on 127.23.0.0 and up, healthy (bench/listeners), `interval 300s` (one "
        "probe round at startup), two primaries, address mode, `names app www api`, `transfer { to 127.0.23.10 "
        "127.0.23.20 }`; the daemon and NSD on core 0, every client (dig, curl, dnsperf, bench/flood, the ticker) on core 1",
        ""] + axfr_table(result["unloaded"]) + turns + fleet_table(result["fleet"], result["transferred_s"], result["serial"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "zoneregistry"))
    ap.add_argument("--peers", type=int, default=10_000)
    ap.add_argument("--axfrs", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=6)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--period", type=float, default=0.5, help="seconds between AXFRs or scrapes under flood")
    ap.add_argument("--reps", type=int, default=2, help="fleet repetitions per server")
    ap.add_argument("--out")
    args = ap.parse_args()
    build_tools()
    # The bench's own threads (ticker, side work) stay on the load core, off the servers'.
    os.sched_setaffinity(0, {int(S.LOAD_CORE)})
    load = loadavg()
    with tempfile.TemporaryDirectory() as workdir:
        result = run(args, workdir)
    result["load"] = (load, loadavg())
    text = report(result, args)
    print(text)
    if args.out:
        write_section(args.out, "transfer", text, by="bench/transfer.py")


if __name__ == "__main__":
    main()
