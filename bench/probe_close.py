#!/usr/bin/env python3
"""The cost of closing HTTP probes politely (SPEC §12), side by side in one run: the daemon
built from a commit that reset every probe after its status line ("before") and the current
build, which reads the headers, lets the peer close first and follows with a FIN ("after").

Each variant probes PEERS `protocol http` peers at `interval 1` (PEERS probes/s) for SECONDS,
against bench/http-peers (C, epoll) holding 127.0.11.100-199:15391: the peers share those 100
endpoints, so each endpoint sees PEERS/100 probes a second. Measured: the daemon's user and
system CPU over the steady part of the run (from /proc/PID/stat; the daemon pinned to core 0,
the peers to core 1), the probes completed (connections the endpoints accepted), how the
endpoints saw each probe end (clean FIN or reset), and after SECONDS the TIME_WAIT sockets
on each side (`ss -tan state time-wait`). Writes a section to --out (default: print only).

Usage: python3 bench/probe_close.py [--before-commit C | --before-binary PATH] [--peers N]
       [--seconds S] [--out bench/RESULTS.md]    (or `make bench-probe-close`)
"""
import argparse
import datetime
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servers as S  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.join(ROOT, ".build", "bench")
FIRST, ENDPOINTS, PEER_PORT, DNS_PORT = 100, 100, 15391, 15390
REGISTRY = "127.0.11.2"
# The main commit this work started from: probes reset after the status line.
BEFORE_COMMIT = "cd75c72"


def build_peers():
    os.makedirs(BIN, exist_ok=True)
    src, out = os.path.join(HERE, "http-peers.c"), os.path.join(BIN, "http-peers")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        subprocess.run([os.environ.get("CC") or shutil.which("cc") or "clang", "-O2", "-Wall", "-o", out, src], check=True)
    return out


def build_before(commit):
    """A release build of `commit`, from `git archive` in a temporary directory (the
    repository and its worktrees are left alone); reused when already built."""
    directory = os.path.join(tempfile.gettempdir(), f"zoneregistry-{commit}")
    binary = os.path.join(directory, ".build", "release", "zoneregistry")
    if not os.path.exists(binary):
        os.makedirs(directory, exist_ok=True)
        archive = subprocess.run(["git", "-C", ROOT, "archive", commit], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", directory], input=archive, check=True)
        subprocess.run(["swift", "build", "-c", "release", "--product", "zoneregistry"], cwd=directory, check=True)
    return binary


def corefile(peers):
    out = [f"bench.test:{DNS_PORT} {{", f"    bind {REGISTRY}", "    zoneregistry {",
           "        interval 1", "        timeout 1", "        mode address"]
    for i in range(peers):
        out += [f"        peer p{i}.bench.test {{", f"            ipv4 127.0.11.{FIRST + i % ENDPOINTS}",
                f"            port {PEER_PORT}", "        }"]
    return "\n".join(out + ["    }", "}"]) + "\n"


class Peers:
    def __init__(self, binary):
        self.proc = subprocess.Popen(["taskset", "-c", S.LOAD_CORE, binary, str(FIRST), str(ENDPOINTS), str(PEER_PORT)],
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready"

    def counts(self):
        self.proc.send_signal(signal.SIGUSR1)
        words = self.proc.stdout.readline().split()
        return dict(zip(words[0::2], map(int, words[1::2])))

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def time_wait(side):
    """TIME_WAIT sockets of the registry (toward the endpoints' port) or of the endpoints."""
    where = f"dst 127.0.11.0/24 and dport = :{PEER_PORT}" if side == "registry" else f"sport = :{PEER_PORT}"
    out = subprocess.run(["ss", "-tanH", "state", "time-wait", where], capture_output=True, text=True, check=True).stdout
    return len(out.splitlines())


def run_variant(name, binary, peers, endpoints, seconds, workdir):
    conf = os.path.join(workdir, f"Corefile.{name}")
    with open(conf, "w") as f:
        f.write(corefile(peers))
    log = open(os.path.join(workdir, f"{name}.log"), "w")
    daemon = subprocess.Popen(["taskset", "-c", S.SERVER_CORE, binary, "-conf", conf, "-quiet"], stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=S.raise_fd_limit)
    started = time.time()
    warmup = min(10.0, seconds / 4)
    time.sleep(warmup)
    (u0, s0), c0, t0 = S.cpu_user_sys(daemon.pid), endpoints.counts(), time.time()
    time.sleep(seconds * 0.6)
    (u1, s1), c1, t1 = S.cpu_user_sys(daemon.pid), endpoints.counts(), time.time()
    time.sleep(max(0.0, started + seconds - time.time()))
    row = {"name": name, "probes": (c1["accepted"] - c0["accepted"]) / (t1 - t0),
           "user": (u1 - u0) / (t1 - t0), "sys": (s1 - s0) / (t1 - t0),
           "clean": c1["clean"] - c0["clean"], "reset": c1["reset"] - c0["reset"], "early": c1["early"] - c0["early"],
           "tw_registry": time_wait("registry"), "tw_peers": time_wait("peers"), "rss": S.rss_kib(daemon.pid) / 1024}
    os.killpg(daemon.pid, signal.SIGTERM)
    daemon.wait(10)
    print(f"{name}: {row}", file=sys.stderr, flush=True)
    return row


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{platform.node()}, {model}, {os.cpu_count()} cores, Linux {platform.release()}"


def section(rows, args, load):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## Polite HTTP probe close vs reset ({now})", "",
        f"- machine: {machine()}; busy: other sessions were building and testing on both cores during the run "
        f"(load average {load} at the start), so compare the two rows with each other, not with other sections",
        f"- command: `python3 {' '.join(sys.argv)}` (`make bench-probe-close` runs it with `--out bench/RESULTS.md`)",
        f"- {args.peers} peers, `protocol http`, `interval 1`, `timeout 1`, 100 endpoints (bench/http-peers.c, its own "
        f"core) answering 200 with `Connection: close` and closing their side first; the daemon on core 0; CPU over "
        f"seconds {min(10, args.seconds // 4)}-{min(10, args.seconds // 4) + int(args.seconds * 0.6)} of each "
        f"{args.seconds} s run; TIME_WAIT counted at {args.seconds} s",
        f"- before: commit {args.before_commit} (reset after the status line); after: this build (headers read, FIN "
        f"after the peer's)", "",
        "| variant | probes/s | user | sys | user+sys | µs CPU per probe | endpoints saw: clean / reset / early | "
        "registry TIME_WAIT | endpoints' TIME_WAIT | RSS MiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for r in rows:
        cpu = r["user"] + r["sys"]
        lines.append(f"| {r['name']} | {r['probes']:,.0f} | {100 * r['user']:.1f} % | {100 * r['sys']:.1f} % | "
                     f"{100 * cpu:.1f} % | {1e6 * cpu / max(1, r['probes']):.1f} | {r['clean']:,} / {r['reset']:,} / "
                     f"{r['early']:,} | {r['tw_registry']:,} | {r['tw_peers']:,} | {r['rss']:.1f} |")
    before, after = rows
    per = lambda r: (r["user"] + r["sys"]) / max(1, r["probes"])
    lines += ["", f"After/before CPU per probe: {per(after) / per(before):.2f}×.", ""]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before-commit", default=BEFORE_COMMIT)
    ap.add_argument("--before-binary", help="skip building --before-commit")
    ap.add_argument("--after-binary", default=os.path.join(ROOT, ".build", "release", "zoneregistry"))
    ap.add_argument("--peers", type=int, default=10_000)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--out", help="append the section to this file")
    args = ap.parse_args()
    before = args.before_binary or build_before(args.before_commit)
    load = " ".join(open("/proc/loadavg").read().split()[:3])
    endpoints = Peers(build_peers())
    try:
        with tempfile.TemporaryDirectory() as workdir:
            # Before first: its resets leave no TIME_WAIT to pollute the second count.
            rows = [run_variant("before (reset)", before, args.peers, endpoints, args.seconds, workdir),
                    run_variant("after (polite)", args.after_binary, args.peers, endpoints, args.seconds, workdir)]
    finally:
        endpoints.stop()
    text = section(rows, args, load)
    print(text)
    if args.out:
        with open(args.out, "a") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
