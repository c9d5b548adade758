#!/usr/bin/env python3
"""Soak: the daemon under steady DNS load while 1,000 peers flap, for 10 minutes.

1. bench/listeners holds 1,000 TCP peers on 127.0.16.0 and up; in flap mode it closes one
   group of them (peer i is in group i % GROUPS) every TICK seconds and reopens the group it
   closed before, so about 2 × 1,000 / GROUPS health transitions happen every TICK.
2. The daemon probes them (`protocol tcp`, `interval 1`, `rise 2`, `fall 2`, both an IPv4 and
   an IPv4-mapped IPv6 address each) and serves address-mode answers with /metrics on.
3. bench/flood measures the daemon's saturation QPS for a few seconds, then sends LOAD (50 %)
   of it for SECONDS, rate-limited.
4. Every 10 s: RSS (/proc/PID/status), open descriptors (/proc/PID/fd), the loop's handle
   count (`coredns_zoneregistry_loop_handles`), queries sent and answered, transitions; and,
   to tell why a query was lost, the kernel's UDP receive-buffer drops, the daemon's CPU and
   run-queue wait, and what the rest of the machine was doing.

Verdict "flat" compares the first window after warm-up with the last window (each a minute in
the full run; a third of --seconds when shorter, warm-up included): exit 1 when the last
window's maximum RSS exceeds the first's by more than RSS_GROWTH_MIB or RSS_GROWTH_SHARE
(whichever is larger), open descriptors by more than FD_GROWTH (64 probes in flight × 2
addresses), loop handles by more than HANDLE_GROWTH (each of those sockets and its timeout
timer), when the daemon answered under 99 % of the queries sent, when fewer than half the
expected transitions were seen, or when the daemon did not exit 0 on SIGTERM.
"""
import argparse
import datetime
import os
import shlex
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servers as S  # noqa: E402
from run import BIN, ROOT, build_tools, flood, machine, machine_busy, on_load_core, query_file, write_section  # noqa: E402

PORT = 15331
METRICS = "127.0.0.1:15332"
# Not servers.PEERS_PORT: run.py and scenarios.py may hold those listeners in another checkout.
PEERS_PORT = 15383
RSS_GROWTH_MIB = 4
RSS_GROWTH_SHARE = 0.10
FD_GROWTH = 64 * 2
HANDLE_GROWTH = 64 * 2 * 2
MIN_ANSWERED = 0.99


def peers(n, groups):
    """Two primaries in groups that are never down at the same time, so answers stay two
    addresses long; the rest secondaries. Addresses as bench/listeners numbers them."""
    primaries = (0, groups // 2)
    return [(f"p{i}", "primary" if i in primaries else "secondary", f"127.0.{16 + i // 256}.{i % 256}")
            for i in range(n)]


def scrape():
    """name → sum over its series, for the few families the soak watches."""
    wanted = ("coredns_zoneregistry_loop_handles", "process_open_fds", "process_resident_memory_bytes",
              "coredns_zoneregistry_peer_transitions_total", "coredns_dns_responses_total")
    totals = dict.fromkeys(wanted, 0.0)
    with urllib.request.urlopen(f"http://{METRICS}/metrics", timeout=10) as response:
        for line in response.read().decode().splitlines():
            name = line.split("{", 1)[0].split(" ", 1)[0]
            if name in totals:
                totals[name] += float(line.rsplit(" ", 1)[1])
    return totals


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


class RatedFlood:
    """bench/flood at a fixed rate; keeps its latest per-second progress and its final line."""

    def __init__(self, queries, seconds, rate):
        self.proc = subprocess.Popen(on_load_core([os.path.join(BIN, "flood"), "127.0.0.1", str(PORT), queries,
                                                   str(seconds), "8", "64", str(int(rate))]),
                                     stdout=subprocess.PIPE, text=True)
        self.progress, self.final = {"sent": 0.0, "answered": 0.0}, None
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            fields = {k: float(v) for k, v in (f.split("=") for f in line.split() if "=" in f)}
            if line.startswith("progress"):
                self.progress = fields
            else:
                self.final = fields

    def wait(self):
        self.proc.wait()
        self.reader.join()
        return self.final


def udp_receive_drops():
    """Datagrams the kernel dropped, machine-wide, because a socket's receive buffer was full
    (RcvbufErrors in /proc/net/snmp): queries that arrived while the daemon was not reading."""
    with open("/proc/net/snmp") as f:
        header, values = [line.split() for line in f if line.startswith("Udp:")][:2]
    return int(values[header.index("RcvbufErrors")])


def run_queue_wait(pid):
    """Seconds the daemon was runnable but waiting for a CPU (/proc/PID/schedstat): how much
    other load on its core held it back."""
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[1]) / 1e9


def sample(t, daemon, load_pids, soak_start):
    # /proc first: a scrape holds the loop while it renders, and probe timers that fell due
    # meanwhile all start right after it, so descriptors read just then would be inflated.
    rss, fds = S.rss_kib(daemon.pid) / 1024, open_fds(daemon.pid)
    m = scrape()
    return {"t": t, "rss_mib": rss, "fds": fds,
            "handles": m["coredns_zoneregistry_loop_handles"], "metric_fds": m["process_open_fds"],
            "metric_rss_mib": m["process_resident_memory_bytes"] / 2 ** 20,
            "transitions": m["coredns_zoneregistry_peer_transitions_total"] - soak_start["transitions"],
            "responses": m["coredns_dns_responses_total"] - soak_start["responses"],
            "cpu": S.cpu_seconds(daemon.pid), "load_cpu": sum(S.cpu_seconds(p) for p in load_pids),
            "busy": machine_busy(), "wait": run_queue_wait(daemon.pid), "udp_drops": udp_receive_drops() - soak_start["udp_drops"]}


def run(args, queries):
    server = S.ZoneRegistry(args.workdir, PORT, "address", args.binary, corefile_text=S.corefile(
        "address", PORT, peers=peers(args.peers, args.groups), interval="1", timeout="500ms",
        extra="        rise 2\n        fall 2", directives=[f"prometheus {METRICS}"], peers_port=PEERS_PORT))
    # On the load core with flood: accepting and closing 2,000 connections a second is work
    # the daemon's core should not do.
    listeners = subprocess.Popen(on_load_core([os.path.join(BIN, "listeners"), str(args.peers), str(PEERS_PORT),
                                               str(args.groups), str(int(args.tick * 1000))]),
                                 stdout=subprocess.PIPE, text=True)
    if listeners.stdout.readline().strip() != "ready":
        raise RuntimeError(f"bench/listeners could not listen on 127.0.16.0 and up, port {PEERS_PORT}")
    samples, load = [], None
    try:
        server.start(wait=30)
        time.sleep(3)  # first probe rounds
        saturation = flood(PORT, queries, args.measure_seconds)
        rate = args.load * saturation["qps"]
        print(f"saturation {saturation['qps']:,.0f} q/s; soaking at {rate:,.0f} q/s for {args.seconds:.0f} s",
              file=sys.stderr, flush=True)
        m = scrape()
        start = {"transitions": m["coredns_zoneregistry_peer_transitions_total"],
                 "responses": m["coredns_dns_responses_total"], "udp_drops": udp_receive_drops()}
        load = RatedFlood(queries, args.seconds, rate)
        t0 = time.monotonic()
        for k in range(int(args.seconds // args.every) + 1):
            time.sleep(max(0.0, t0 + min(k * args.every, args.seconds - 0.5) - time.monotonic()))
            s = sample(k * args.every, server, [load.proc.pid, listeners.pid], start)
            s.update(load.progress)
            samples.append(s)
            print(f"t={s['t']:.0f}s rss={s['rss_mib']:.1f}MiB fds={s['fds']} handles={s['handles']:.0f} "
                  f"transitions={s['transitions']:.0f} sent={s['sent']:.0f} answered={s['answered']:.0f}",
                  file=sys.stderr, flush=True)
        totals = load.wait()
        load = None
    finally:
        if load:
            load.proc.kill()
            load.wait()
        exit_code = server.proc.poll() if server.proc else None
        if server.proc and exit_code is None:
            server.proc.send_signal(15)
            try:
                exit_code = server.proc.wait(10)
            except subprocess.TimeoutExpired:
                exit_code = "none within 10 s of SIGTERM"
        server.stop()
        listeners.kill()
        listeners.wait()
    return saturation, rate, samples, totals, exit_code


def windows(samples, seconds):
    """Warm-up, then the first and the last window: a minute each, or a third of a short run."""
    span = min(60.0, seconds / 3)
    first = [s for s in samples if span <= s["t"] <= 2 * span]
    last = [s for s in samples if s["t"] >= seconds - span]
    return span, first, last


def verdict(args, samples, totals, exit_code):
    span, first, last = windows(samples, args.seconds)
    checks = []
    rss0, rss1 = max(s["rss_mib"] for s in first), max(s["rss_mib"] for s in last)
    allowed = max(RSS_GROWTH_MIB, RSS_GROWTH_SHARE * rss0)
    checks.append((f"RSS grows ≤ {allowed:.1f} MiB (max of {RSS_GROWTH_MIB} MiB and {100 * RSS_GROWTH_SHARE:.0f} %)",
                   f"{rss0:.1f} → {rss1:.1f} MiB ({rss1 - rss0:+.1f})", rss1 - rss0 <= allowed))
    for key, label, bound in (("fds", "open descriptors", FD_GROWTH), ("handles", "loop handles", HANDLE_GROWTH)):
        a, b = max(s[key] for s in first), max(s[key] for s in last)
        checks.append((f"{label} grow ≤ {bound}", f"{a:.0f} → {b:.0f} ({b - a:+.0f})", b - a <= bound))
    share = totals["answered"] / max(1, totals["sent"])
    checks.append((f"answered ≥ {100 * MIN_ANSWERED:.0f} % of queries sent",
                   f"{100 * share:.3f} % ({totals['answered']:,.0f} of {totals['sent']:,.0f})", share >= MIN_ANSWERED))
    expected = 2 * args.peers / args.groups * args.seconds / args.tick
    seen = samples[-1]["transitions"]
    checks.append((f"health transitions ≥ half of the ~{expected:,.0f} the flapping causes", f"{seen:,.0f}",
                   seen >= expected / 2))
    checks.append(("exit status on SIGTERM is 0", str(exit_code), exit_code == 0))
    return span, checks


def shares(a, b):
    """Between two samples, in % of one core: the daemon's CPU, the time it waited for a CPU,
    and everything the machine did besides the daemon, flood and listeners (other sessions'
    builds and tests)."""
    dt = max(1e-9, b["t"] - a["t"])
    daemon, load, busy = b["cpu"] - a["cpu"], b["load_cpu"] - a["load_cpu"], b["busy"] - a["busy"]
    return 100 * daemon / dt, 100 * (b["wait"] - a["wait"]) / dt, 100 * max(0.0, busy - daemon - load) / dt


def report(args, saturation, rate, samples, totals, checks, span):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    ok = all(c[2] for c in checks)
    daemon_cpu, waited, other = shares(samples[0], samples[-1])
    duration = f"{args.seconds / 60:g} min" if args.seconds % 60 == 0 else f"{args.seconds:g} s"
    lines = [
        f"## Soak: {duration} at {100 * args.load:.0f} % of saturation while {args.peers:,} peers flap ({now})", "",
        f"- machine: {machine()}", f"- command: `{' '.join(shlex.quote(a) for a in sys.argv)}`",
        f"- peers: {args.peers:,} TCP listeners on 127.0.16.0 and up (`bench/listeners {args.peers} {PEERS_PORT} {args.groups} "
        f"{int(args.tick * 1000)}`): every {args.tick:g} s one group of {args.peers // args.groups} stops listening and the "
        f"previous group listens again; `protocol tcp`, `interval 1`, `timeout 500ms`, `rise 2`, `fall 2`, IPv4 + "
        f"IPv4-mapped IPv6 each", "- daemon pinned to core 0, bench/flood and bench/listeners to core 1; address mode, the run.py query mix",
        f"- saturation ({args.measure_seconds:g} s of bench/flood, peers flapping): {saturation['qps']:,.0f} q/s; soak load "
        f"{rate:,.0f} q/s sent, {totals['answered'] / max(1e-9, totals['seconds']):,.0f} q/s answered",
        f"- daemon CPU {daemon_cpu:.0f} % of one core; it waited for a CPU while runnable {waited:.0f} % of the time "
        f"(/proc/PID/schedstat); other load on the machine (CPU used by anything but the daemon, flood and listeners) "
        f"{other:.0f} % of one core, on average over the run; the kernel dropped "
        f"{samples[-1]['udp_drops']:,.0f} UDP datagrams for full receive buffers (all sockets on the machine)",
        f"- verdict: **{'flat' if ok else 'NOT FLAT'}** (first window {span:.0f}–{2 * span:.0f} s after load began, "
        f"last window the final {span:.0f} s; maxima compared)", "",
        "| check | measured | met |", "| --- | --- | --- |"]
    lines += [f"| {name} | {value} | {'yes' if met else '**no**'} |" for name, value, met in checks]
    lines += ["", "Per minute (min–max of the 10 s samples up to that second; queries, transitions and UDP drops are "
              "totals since the load began; CPU and waiting for a CPU in % of one core over that minute):", "",
              "| s | RSS MiB | open fds | loop handles | transitions | sent | answered | UDP drops | daemon CPU | daemon waiting | other load |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    minute = 60.0 if args.seconds >= 120 else args.every
    groups = [[samples[0]]] + [[s for s in samples if (m - 1) * minute < s["t"] <= m * minute]
                               for m in range(1, int(-(-samples[-1]["t"] // minute)) + 1)]
    prev = samples[0]
    for group in filter(None, groups):
        last = group[-1]
        cpu = "| – | – | –" if last is prev else "| %.0f %% | %.0f %% | %.0f %%" % shares(prev, last)
        lines.append(f"| {last['t']:.0f} | {span_of(group, 'rss_mib', '.1f')} | {span_of(group, 'fds', '.0f')} | "
                     f"{span_of(group, 'handles', '.0f')} | {last['transitions']:,.0f} | {last['sent']:,.0f} | "
                     f"{last['answered']:,.0f} | {last['udp_drops']:,.0f} {cpu} |")
        prev = last
    lines += ["", "<details><summary>Every 10 s sample (RSS and descriptors from /proc, then the gauges from one "
              "scrape)</summary>", "",
              "| s | RSS MiB | process_resident_memory_bytes MiB | /proc fds | process_open_fds | loop handles | transitions | "
              "responses (daemon) | sent | answered | UDP drops | daemon CPU | daemon waiting | other load |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for a, s in zip([samples[0]] + samples, samples):
        cpu = "| – | – | –" if a is s else "| %.0f %% | %.0f %% | %.0f %%" % shares(a, s)
        lines.append(f"| {s['t']:.0f} | {s['rss_mib']:.1f} | {s['metric_rss_mib']:.1f} | {s['fds']} | {s['metric_fds']:.0f} | "
                     f"{s['handles']:.0f} | {s['transitions']:,.0f} | {s['responses']:,.0f} | {s['sent']:,.0f} | "
                     f"{s['answered']:,.0f} | {s['udp_drops']:,.0f} {cpu} |")
    lines += ["", "</details>"]
    return "\n".join(lines) + "\n", ok


def span_of(group, key, fmt):
    lo, hi = min(s[key] for s in group), max(s[key] for s in group)
    return format(lo, fmt) if format(lo, fmt) == format(hi, fmt) else f"{format(lo, fmt)}–{format(hi, fmt)}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=600, help="duration of the load (default 600)")
    ap.add_argument("--every", type=float, default=10, help="seconds between samples")
    ap.add_argument("--load", type=float, default=0.5, help="share of the measured saturation QPS to send")
    ap.add_argument("--measure-seconds", type=float, default=5, help="length of the saturation measurement")
    ap.add_argument("--peers", type=int, default=1000)
    ap.add_argument("--groups", type=int, default=10, help="flap groups: 1/GROUPS of the peers is down at a time")
    ap.add_argument("--tick", type=float, default=4, help="seconds between flaps")
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "zoneregistry"))
    ap.add_argument("--out", help="markdown file whose `soak` section to replace")
    ap.add_argument("--section", default="soak")
    ap.add_argument("--workdir", default="/tmp/zoneregistry-bench/soak")
    args = ap.parse_args()
    if args.seconds < 3 * args.every:
        ap.error("--seconds must cover at least three samples")
    build_tools()
    os.makedirs(args.workdir, exist_ok=True)
    queries = query_file(os.path.join(args.workdir, "queries.txt"))
    saturation, rate, samples, totals, exit_code = run(args, queries)
    span, checks = verdict(args, samples, totals, exit_code)
    text, ok = report(args, saturation, rate, samples, totals, checks, span)
    print(text)
    if args.out:
        write_section(args.out, args.section, text, by="bench/soak.py")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
