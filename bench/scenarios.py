#!/usr/bin/env python3
"""Scenarios 3-5: the daemon with many probed peers.

3. 10,000 peers (`protocol tcp`, `interval 1`, one IPv4 address each, so 10,000 probes/s;
   TCP listeners on 127.0.16.0-127.0.55.15 held by bench/listeners) while serving, against 3
   peers in the same run:
   - probe CPU per second with no DNS load, user and sys separately (/proc/PID/stat), and
     passing probes per second (connections bench/listeners accepted);
   - DNS under bench/flood: QPS, answered share, and server CPU per answered query, raw and
     with the probing cost subtracted (CPU per probe with no DNS load × probes completed
     during the flood), and probes completed per second during the flood;
   - with --dual, the no-load probe CPU again with each peer also given an IPv4-mapped IPv6
     address (both addresses are probed: up to two connects per peer and round).
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


def start_daemon(workdir, binary, n, tag, dual=False):
    text = S.corefile("address", PORT, peers=peers(n), interval="1", ipv6=dual)
    server = S.ZoneRegistry(os.path.join(workdir, tag), PORT, "address", binary, corefile_text=text)
    return server.start(wait=30)


LISTENERS = None


def probes_done():
    """Connections the listeners accepted so far: passing probes (every bench peer is healthy;
    only the daemon under test connects to them). Asking the daemon's /metrics instead would
    bill the scrape to the probing figure."""
    LISTENERS.send_signal(signal.SIGUSR1)
    line = LISTENERS.stdout.readline().split()
    assert line[0] == "accepted", line
    return int(line[1])


def idle(server, seconds):
    """Per second with no DNS load: user CPU, sys CPU, probes completed."""
    (u0, s0), p0 = S.cpu_user_sys(server.pid), probes_done()
    time.sleep(seconds)
    (u1, s1), p1 = S.cpu_user_sys(server.pid), probes_done()
    return {"user": (u1 - u0) / seconds, "sys": (s1 - s0) / seconds, "probes": (p1 - p0) / seconds}


def under_flood(server, queries, seconds, cpu_per_probe):
    c0, p0 = S.cpu_seconds(server.pid), probes_done()
    f = flood(PORT, queries, seconds)
    c1, p1 = S.cpu_seconds(server.pid), probes_done()
    answered = max(1, f["answered"])
    return {"qps": f["qps"], "share": f["answered"] / max(1, f["sent"]), "cpu_us": 1e6 * (c1 - c0) / answered,
            "dns_cpu_us": 1e6 * (c1 - c0 - cpu_per_probe * (p1 - p0)) / answered, "flood_probes": (p1 - p0) / f["seconds"]}


def reload_times(server):
    times = []
    for _ in range(5):
        before = soa_serial(PORT)
        t0 = time.perf_counter()
        os.kill(server.pid, signal.SIGHUP)
        while soa_serial(PORT) in (before, None) and time.perf_counter() - t0 < 5:
            time.sleep(0.0005)
        times.append(1000 * (time.perf_counter() - t0))
        time.sleep(1.5)
    return times


def measure(args, queries, n, dual=False):
    chosen = set(args.scenarios.split(","))
    d = start_daemon(args.workdir, args.binary, n, f"peers{n}{'-dual' if dual else ''}", dual)
    try:
        time.sleep(3)  # first probe rounds
        row = {"rss": S.rss_kib(d.pid) / 1024, "dual": dual, **idle(d, args.seconds)}
        if not dual and (n != 1000 or "3" in chosen):
            per_probe = (row["user"] + row["sys"]) / max(1, row["probes"])
            row.update(under_flood(d, queries, args.seconds, per_probe))
        if n == 1000 and "5" in chosen:
            row["reload_all"] = reload_times(d)
            row["reload_ms"] = statistics.median(row["reload_all"])
    finally:
        d.stop()
    print(f"{n} peers{' (dual)' if dual else ''}: {row}", file=sys.stderr, flush=True)
    return row


def connect_floor(seconds):
    """bench/connect-floor on the server core against the same listeners: the system calls a
    connect-only probe needs and nothing else, i.e. what the kernel alone costs here."""
    out = subprocess.run(["taskset", "-c", S.SERVER_CORE, os.path.join(BIN, "connect-floor"), "10000", str(S.PEERS_PORT),
                          str(seconds)], check=True, capture_output=True, text=True).stdout
    v = dict(kv.split("=") for kv in out.split())
    return {"probes": float(v["probes_per_s"]), "user": float(v["user"]), "sys": float(v["sys"])}


def pct(x):
    return f"{100 * x:.1f} %"


def scenario3(rows, dual, floor):
    base, big = rows[3], rows[10000]
    probe_cpu = big["user"] + big["sys"] - base["user"] - base["sys"]
    rise = 100 * (big["dns_cpu_us"] / base["dns_cpu_us"] - 1)
    raw_rise = 100 * (big["cpu_us"] / base["cpu_us"] - 1)
    runs = [(n, r) for n, r in rows.items() if "qps" in r] + ([("10,000 (IPv4 + IPv6)", dual)] if dual else []) + \
        [("C floor: bench/connect-floor, 10,000 peers", floor)]
    lines = [
        "### Scenario 3: probing while serving", "",
        "No DNS load: CPU of the daemon per second of probing, from /proc/PID/stat. Under flood: "
        "\"DNS µs/q\" is server CPU per answered query minus the probing cost (CPU per connect measured "
        "with no DNS load × connects during the flood; connects = connections bench/listeners accepted); \"raw\" subtracts "
        "nothing. The C floor row is bench/connect-floor.c on the same core and listeners: only the system calls a "
        "connect probe needs; compare µs per connect, as its rate depends on how much of the shared core it gets.", "",
        "| peers | connects/s (no DNS) | user | sys | user+sys | µs per connect | QPS (flood) | answered | CPU µs/q raw | DNS µs/q | connects/s during flood |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for n, r in runs:
        flood_cells = (f"{r['qps']:,.0f} | {100 * r['share']:.2f} % | {r['cpu_us']:.2f} | {r['dns_cpu_us']:.2f} | "
                       f"{r['flood_probes']:,.0f}") if "qps" in r else "– | – | – | – | –"
        label = f"{n:,}" if isinstance(n, int) else n
        # With 3 peers the daemon's idle CPU would dominate the quotient.
        per_connect = f"{1e6 * (r['user'] + r['sys']) / r['probes']:.1f}" if r["probes"] >= 100 else "–"
        lines.append(f"| {label} | {r['probes']:,.0f} | {pct(r['user'])} | {pct(r['sys'])} | {pct(r['user'] + r['sys'])} | "
                     f"{per_connect} | {flood_cells} |")
    lines += [
        "", "| target | measured | met |", "| --- | --- | --- |",
        f"| probing 10,000 peers/s ≤ 25 % of a core | {pct(probe_cpu)} (user {pct(big['user'] - base['user'])}, "
        f"sys {pct(big['sys'] - base['sys'])}; 10,000 peers minus 3 peers, no DNS load) | {'yes' if probe_cpu <= 0.25 else 'no'} |",
        f"| DNS CPU/query rises ≤ 10 % with probing on | {rise:+.1f} % with the probing cost subtracted ({raw_rise:+.1f} % raw) "
        f"| {'yes' if rise <= 10 else 'no'} |",
        f"| health-checked answers ≥ 100× PowerDNS LUA (~2.8k q/s) | {big['qps'] / 2800:.0f}× ({big['qps']:,.0f} q/s, "
        f"{100 * big['share']:.2f} % answered) | {'yes' if big['qps'] >= 280000 else 'no'} |",
        f"| probe rounds keep their interval under flood | {big['flood_probes']:,.0f} probes/s of 10,000 | "
        f"{'yes' if big['flood_probes'] >= 9900 else 'no'} |"]
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "zoneregistry"))
    ap.add_argument("--seconds", type=float, default=8)
    ap.add_argument("--scenarios", default="3,4,5", help="which of 3,4,5 to run (default: all)")
    ap.add_argument("--dual", action="store_true", help="scenario 3 also with two addresses per peer")
    ap.add_argument("--peers-port", type=int, default=S.PEERS_PORT, help="port of the bench listeners (change it when "
                    "another bench run on this machine holds the default)")
    ap.add_argument("--out")
    ap.add_argument("--section", default="scenarios")
    ap.add_argument("--workdir", default="/tmp/zoneregistry-bench/scenarios")
    args = ap.parse_args()
    chosen = set(args.scenarios.split(","))
    S.PEERS_PORT = args.peers_port
    build_tools()
    os.makedirs(args.workdir, exist_ok=True)
    queries = query_file(os.path.join(args.workdir, "queries.txt"))
    global LISTENERS
    listeners = LISTENERS = subprocess.Popen([os.path.join(BIN, "listeners"), "10000", str(S.PEERS_PORT)],
                                             stdout=subprocess.PIPE, text=True)
    assert listeners.stdout.readline().strip() == "ready"
    counts = [n for n, wanted in ((3, "3" in chosen), (1000, chosen & {"4", "5"}), (10000, chosen & {"3", "4"})) if wanted]
    rows, dual, floor = {}, None, None
    try:
        for n in counts:
            rows[n] = measure(args, queries, n)
        if args.dual and "3" in chosen:
            dual = measure(args, queries, 10000, dual=True)
        if "3" in chosen:
            floor = connect_floor(args.seconds)
            print(f"connect floor: {floor}", file=sys.stderr, flush=True)
    finally:
        listeners.kill()
        listeners.wait()
    command = f"python3 bench/scenarios.py --seconds {args.seconds} --scenarios {args.scenarios}{' --dual' if args.dual else ''}"
    lines = [
        f"## Scenarios {args.scenarios}: many probed peers ({datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')})",
        "", f"- machine: {machine()}", f"- command: `{command}`",
        "- peers `protocol tcp`, `interval 1`, `timeout 1`, one IPv4 address each unless marked, healthy TCP listeners "
        "on 127.0.16.0 and up; daemon on core 0, flood on core 1", ""]
    if "3" in chosen:
        lines += scenario3(rows, dual, floor) + [""]
    if chosen & {"4", "5"}:
        lines += ["### Scenarios 4-5: memory and reload", "", "| peers | RSS MiB | reload ms (median of 5) |", "| ---: | ---: | ---: |"]
        lines += [f"| {n:,} | {r['rss']:.1f} | {r.get('reload_ms', float('nan')):.1f} |" for n, r in rows.items() if n >= 1000]
        lines += ["", "| target | measured | met |", "| --- | --- | --- |"]
        if 1000 in rows and "4" in chosen:
            lines.append(f"| RSS ≤ 32 MiB with 1,000 peers | {rows[1000]['rss']:.1f} MiB | {'yes' if rows[1000]['rss'] <= 32 else 'no'} |")
        if 1000 in rows and "5" in chosen:
            r = rows[1000]
            lines.append(f"| reload of 1,000 peers ≤ 50 ms | {r['reload_ms']:.1f} ms (all: {', '.join('%.1f' % t for t in r['reload_all'])}) "
                         f"| {'yes' if r['reload_ms'] <= 50 else 'no'} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        write_section(args.out, args.section, text)


if __name__ == "__main__":
    main()
