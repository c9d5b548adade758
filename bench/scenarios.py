#!/usr/bin/env python3
"""Scenarios 3-5: the daemon with many probed peers.

3. 10,000 peers (`protocol tcp`, `interval 1`, TCP listeners on 127.0.16.0-127.0.55.15 held
   by bench/listeners) while serving: probe CPU per second with no DNS load, DNS CPU per
   answered query and QPS under bench/flood, against 3 peers probed in the same run.
4. RSS with 1,000 and 10,000 peers after the first probe rounds.
5. Reload (SIGHUP) time with 1,000 peers: from the signal to the first answer carrying the
   new SOA serial, polled every 0.5 ms.
Two peers are primaries, the rest secondaries, so answers stay two addresses long.
"""
import argparse
import datetime
import os
import signal
import socket
import statistics
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servers as S  # noqa: E402
from run import BIN, ROOT, build_tools, flood, machine, query_file, write_section  # noqa: E402

PORT = 15321


def peer_address(i):
    return f"127.0.{16 + i // 256}.{i % 256}"


def peers(n):
    return [(f"p{i}", "primary" if i < 2 else "secondary", peer_address(i)) for i in range(n)]


def soa_serial(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.05)
    try:
        s.sendto(S.dns_query(S.ZONE, 6), ("127.0.0.1", port))
        data = s.recv(4096)
    except OSError:
        return None
    finally:
        s.close()
    # header, question (zone name + 4), answer owner (pointer 2) + type/class/ttl/rdlength (10),
    # MNAME and RNAME (compressed names), then the serial.
    i = 12 + len(S.ZONE) + 2 + 4 + 2 + 10
    for _ in range(2):
        while data[i] != 0 and data[i] & 0xC0 != 0xC0:
            i += data[i] + 1
        i += 2 if data[i] & 0xC0 == 0xC0 else 1
    return struct.unpack(">I", data[i:i + 4])[0]


def start_daemon(workdir, binary, n, tag):
    server = S.ZoneRegistry(os.path.join(workdir, tag), PORT, "address", binary,
                            corefile_text=S.corefile("address", PORT, peers=peers(n), interval="1"))
    return server.start(wait=30)


def cpu_over(server, seconds):
    c0 = S.cpu_seconds(server.pid)
    time.sleep(seconds)
    return (S.cpu_seconds(server.pid) - c0) / seconds


def dns_under_flood(server, queries, seconds):
    c0 = S.cpu_seconds(server.pid)
    f = flood(PORT, queries, seconds)
    c1 = S.cpu_seconds(server.pid)
    return f["qps"], 1e6 * (c1 - c0) / max(1, f["answered"]), f["answered"] / max(1, f["sent"])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "zoneregistry"))
    ap.add_argument("--seconds", type=float, default=8)
    ap.add_argument("--out")
    ap.add_argument("--section", default="scenarios")
    ap.add_argument("--workdir", default="/tmp/zoneregistry-bench/scenarios")
    args = ap.parse_args()
    build_tools()
    os.makedirs(args.workdir, exist_ok=True)
    queries = query_file(os.path.join(args.workdir, "queries.txt"))
    listeners = subprocess.Popen([os.path.join(BIN, "listeners"), "10000", str(S.PEERS_PORT)], stdout=subprocess.PIPE, text=True)
    assert listeners.stdout.readline().strip() == "ready"
    rows = {}
    try:
        for n in (3, 1000, 10000):
            d = start_daemon(args.workdir, args.binary, n, f"peers{n}")
            try:
                time.sleep(3)  # first probe rounds
                rows[n] = {"rss": S.rss_kib(d.pid) / 1024, "idle_cpu": cpu_over(d, args.seconds)}
                rows[n]["qps"], rows[n]["cpu_us"], rows[n]["share"] = dns_under_flood(d, queries, args.seconds)
                if n == 1000:
                    times = []
                    for _ in range(5):
                        before = soa_serial(PORT)
                        t0 = time.perf_counter()
                        os.kill(d.pid, signal.SIGHUP)
                        while soa_serial(PORT) in (before, None) and time.perf_counter() - t0 < 5:
                            time.sleep(0.0005)
                        times.append(1000 * (time.perf_counter() - t0))
                        time.sleep(1.5)
                    rows[n]["reload_ms"] = statistics.median(times)
                    rows[n]["reload_all"] = times
            finally:
                d.stop()
            print(f"{n} peers: {rows[n]}", file=sys.stderr, flush=True)
    finally:
        listeners.terminate()
        listeners.wait()
    base, big = rows[3], rows[10000]
    rise = 100 * (big["cpu_us"] / base["cpu_us"] - 1)
    probe_cpu = 100 * (big["idle_cpu"] - base["idle_cpu"])
    text = "\n".join([
        f"## Scenarios 3-5: many probed peers ({datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')})",
        "", f"- machine: {machine()}", f"- command: `python3 bench/scenarios.py --seconds {args.seconds}`",
        "- peers `protocol tcp`, `interval 1`, `timeout 1`, healthy TCP listeners on 127.0.16.0 and up; daemon on core 0, flood on core 1",
        "", "| peers | RSS MiB | CPU with no DNS load (% of a core) | QPS (flood) | answered | DNS CPU µs/q | reload ms (median of 5) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"] + [
        f"| {n:,} | {r['rss']:.1f} | {100 * r['idle_cpu']:.1f} % | {r['qps']:,.0f} | {100 * r['share']:.2f} % | {r['cpu_us']:.2f} | "
        f"{r.get('reload_ms', float('nan')):.1f} |" for n, r in rows.items()] + [
        "", "| target | measured | met |", "| --- | --- | --- |",
        f"| probing 10,000 peers/s ≤ 25 % of a core | {probe_cpu:.1f} % (10,000 peers minus 3 peers, no DNS load) | {'yes' if probe_cpu <= 25 else 'no'} |",
        f"| DNS CPU/query rises ≤ 10 % with probing on | {rise:+.1f} % | {'yes' if rise <= 10 else 'no'} |",
        f"| health-checked answers ≥ 100× PowerDNS LUA (~2.8k q/s) | {big['qps'] / 2800:.0f}× ({big['qps']:,.0f} q/s) | {'yes' if big['qps'] >= 280000 else 'no'} |",
        f"| RSS ≤ 32 MiB with 1,000 peers | {rows[1000]['rss']:.1f} MiB | {'yes' if rows[1000]['rss'] <= 32 else 'no'} |",
        f"| reload of 1,000 peers ≤ 50 ms | {rows[1000]['reload_ms']:.1f} ms (all: {', '.join('%.1f' % t for t in rows[1000]['reload_all'])}) | {'yes' if rows[1000]['reload_ms'] <= 50 else 'no'} |",
    ]) + "\n"
    print(text)
    if args.out:
        write_section(args.out, args.section, text)


if __name__ == "__main__":
    main()
