#!/usr/bin/env python3
"""How long a /metrics scrape holds the loop, with 1,000 and 10,000 probed peers.

The body is rendered on the loop before its first byte is sent, so curl's time to first byte
is the time DNS waited; the total adds the transfer of the body (26 MB with 10,000 peers).
The machine may be busy, so the daemon's CPU time per scrape is given too: its CPU over the
scrapes less its CPU over as long a time without them (probing), per scrape.
Peers are bench/listeners on 127.0.16.0 and up (loopback only), probed over TCP every 5 s with
one IPv4 address each; the scrapes start once every peer has a probe-duration histogram.
Usage: bench/scrape.py [--binary PATH] [--peers 1000,10000] [--scrapes 30]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servers as S  # noqa: E402
from run import BIN, ROOT, build_tools, on_load_core  # noqa: E402

PORT = 15341
METRICS = "127.0.0.1:15342"
# Not servers.PEERS_PORT or soak.py's: other bench runs on this machine may hold those.
PEERS_PORT = 15386


def peers(n):
    return [(f"p{i}", "primary" if i < 2 else "secondary", f"127.0.{16 + i // 256}.{i % 256}") for i in range(n)]


def probed_peers(metrics=METRICS):
    with urllib.request.urlopen(f"http://{metrics}/metrics", timeout=30) as response:
        return sum(1 for line in response.read().decode().splitlines()
                   if line.startswith("coredns_zoneregistry_probe_duration_seconds_count{"))


def scrape_times(metrics=METRICS, command=lambda cmd: cmd):
    """(first byte, total) seconds and bytes of one scrape by curl; `command` may wrap curl's
    command line (e.g. run.on_load_core)."""
    out = subprocess.run(command(["curl", "-s", "-o", "/dev/null", "-w", "%{time_starttransfer} %{time_total} %{size_download}",
                                  f"http://{metrics}/metrics"]), check=True, capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def run(binary, n, scrapes, workdir):
    listeners = subprocess.Popen(on_load_core([os.path.join(BIN, "listeners"), str(n), str(PEERS_PORT)]),
                                 stdout=subprocess.PIPE, text=True, preexec_fn=S.raise_fd_limit)
    server = None
    try:
        if listeners.stdout.readline().strip() != "ready":
            raise RuntimeError(f"bench/listeners could not listen on 127.0.16.0 and up, port {PEERS_PORT}")
        conf = S.corefile("address", PORT, peers=peers(n), interval="5", ipv6=False, peers_port=PEERS_PORT,
                          directives=(f"prometheus {METRICS}",))
        server = S.ZoneRegistry(workdir, PORT, "address", binary, corefile_text=conf).start(wait=60)
        deadline = time.time() + 60
        while probed_peers() < n:
            if time.time() > deadline:
                raise RuntimeError("not every peer was probed within 60 s")
            time.sleep(1)
        cpu_before, started = S.cpu_seconds(server.pid), time.time()
        samples = [scrape_times() for _ in range(scrapes)]
        cpu_scraping, elapsed = S.cpu_seconds(server.pid) - cpu_before, time.time() - started
        cpu_before = S.cpu_seconds(server.pid)
        time.sleep(elapsed)
        cpu_idle = S.cpu_seconds(server.pid) - cpu_before
        first = [s[0] for s in samples]
        total = [s[1] for s in samples]
        print(f"{n:>6} peers  {samples[0][2] / 1e6:5.1f} MB  first byte: median {statistics.median(first) * 1000:6.1f} ms"
              f" min {min(first) * 1000:6.1f} ms   total: median {statistics.median(total) * 1000:6.1f} ms"
              f" min {min(total) * 1000:6.1f} ms   CPU per scrape {(cpu_scraping - cpu_idle) / scrapes * 1000:6.1f} ms"
              f"   ({scrapes} scrapes)", flush=True)
    finally:
        if server:
            server.stop()
        listeners.kill()
        listeners.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "zoneregistry"))
    parser.add_argument("--peers", default="1000,10000")
    parser.add_argument("--scrapes", type=int, default=30)
    args = parser.parse_args()
    build_tools()
    with tempfile.TemporaryDirectory() as workdir:
        for n in (int(p) for p in args.peers.split(",")):
            run(args.binary, n, args.scrapes, workdir)


if __name__ == "__main__":
    main()
