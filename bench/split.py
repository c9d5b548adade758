#!/usr/bin/env python3
"""Where a query's CPU goes: user and system time per answered query under bench/flood.

The side-by-side run (bench/run.py) reports user+sys per query. On this kind of machine the
kernel's share (recvmmsg, sendmmsg, loopback delivery) is most of it for every server, the C
responder included, and it drifts with the host; the user-space share is what a server's own
code costs. This runs only the flood, alternating servers between repetitions (the order
rotates), and reports the medians of both, and the ratio of user time to gdnsd's.
Every server is pinned to core 0, the load to core 1, on 127.0.0.1 only.
"""
import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import servers as S  # noqa: E402
from run import BIN, ROOT, build_tools, flood, machine, make_server, query_file, write_section  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--modes", default="address,delegate")
    ap.add_argument("--servers", default="zoneregistry,gdnsd,c-responder")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "zoneregistry"))
    ap.add_argument("--workdir", default="/tmp/zoneregistry-bench/split")
    ap.add_argument("--out")
    ap.add_argument("--section", default="split")
    args = ap.parse_args()
    build_tools()
    os.makedirs(args.workdir, exist_ok=True)
    names = args.servers.split(",")
    listeners = subprocess.Popen([os.path.join(BIN, "listeners"), "4", str(S.PEERS_PORT)], stdout=subprocess.PIPE, text=True)
    assert listeners.stdout.readline().strip() == "ready"
    report = [f"## User and system CPU per query ({datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')})",
              "", f"- machine: {machine()}",
              f"- command: `python3 bench/split.py --reps {args.reps} --seconds {args.seconds}`",
              f"- bench/flood only, medians of {args.reps} repetitions of {args.seconds} s, servers alternating; "
              "user and system time of the server's process tree from /proc/PID/stat per answered query", ""]
    try:
        for mode in args.modes.split(","):
            queries = query_file(os.path.join(args.workdir, f"queries-{mode}.txt"))
            runs = {name: [] for name in names}
            for rep in range(args.reps):
                for name in names[rep % len(names):] + names[:rep % len(names)]:
                    server = make_server(name, os.path.join(args.workdir, mode), mode, args.binary).start()
                    try:
                        time.sleep(1)  # first probe round, as in bench/run.py
                        user0, sys0 = S.cpu_user_sys(server.pid)
                        f = flood(server.port, queries, args.seconds)
                        user1, sys1 = S.cpu_user_sys(server.pid)
                    finally:
                        server.stop()
                    answered = max(1, f["answered"])
                    row = (f["qps"], 1e6 * (user1 - user0) / answered, 1e6 * (sys1 - sys0) / answered)
                    runs[name].append(row)
                    print(f"[{mode} rep {rep + 1}] {name}: {row[0]:,.0f} q/s, user {row[1]:.2f} µs/q, sys {row[2]:.2f} µs/q",
                          file=sys.stderr)
            medians = {name: tuple(statistics.median(r[i] for r in rows) for i in range(3)) for name, rows in runs.items()}
            report += [f"### {mode} mode", "", "| server | QPS (flood) | user µs/q | sys µs/q | user ratio to gdnsd |",
                       "| --- | ---: | ---: | ---: | ---: |"]
            anchor = medians.get("gdnsd")
            for name, (qps, user, system) in medians.items():
                ratio = f"{user / anchor[1]:.2f}" if anchor and anchor[1] > 0 else "–"
                report.append(f"| {name} | {qps:,.0f} | {user:.2f} | {system:.2f} | {ratio} |")
            report.append("")
    finally:
        listeners.terminate()
        listeners.wait()
    text = "\n".join(report) + "\n"
    print(text)
    if args.out:
        write_section(args.out, args.section, text, by="bench/split.py")


if __name__ == "__main__":
    main()
