"""The servers under test: the daemon, the anchors (gdnsd, NSD, Knot) and the C responder.

Each one is started as our own foreground process, configured from a temporary directory,
listening on 127.0.0.1 only, pinned to core 0. Zone content is the same everywhere: SOA,
NS + glue, `app` with the A/AAAA set the daemon answers in address mode (scenario 1) or the
NS + glue referral it answers in delegate mode (scenario 2).
"""
import os
import resource
import shutil
import signal
import socket
import struct
import subprocess
import time

ZONE = "service.example.net"
# Healthy peers: TCP listeners started by bench/listeners on 127.0.16.1-3 (see PEERS_PORT).
PEERS = [("prod1", "primary", "127.0.16.1"), ("prod2", "primary", "127.0.16.2"), ("dev1", "secondary", "127.0.16.3")]
PEERS_PORT = 15380
SERVER_CORE = "0"
LOAD_CORE = "1"


def v6(v4):
    """IPv4-mapped IPv6: an AAAA the anchors can serve and whose probe stays on loopback."""
    return "::ffff:" + v4


def primaries():
    return [p for p in PEERS if p[1] == "primary"]


def zone_file(mode, serial=1):
    """The anchors' static zone equivalent to what the daemon answers with healthy primaries."""
    z = ZONE + "."
    lines = [
        f"$ORIGIN {z}", "$TTL 30",
        f"@ IN SOA ns1.{z} hostmaster.{z} {serial} 3600 600 86400 30",
        f"@ IN NS ns1.{z}",
        "ns1 IN A 127.0.0.1",
    ]
    for host, _, addr in PEERS:
        lines += [f"{host} IN NS {host}.{z}", f"{host} IN A {addr}", f"{host} IN AAAA {v6(addr)}"]
    if mode == "address":
        for _, _, addr in primaries():
            lines += [f"app IN A {addr}", f"app IN AAAA {v6(addr)}"]
    else:
        for host, _, _ in primaries():
            lines.append(f"app IN NS {host}.{z}")
    return "\n".join(lines) + "\n"


def corefile(mode, port, peers=None, interval="1", extra="", timeout="1", directives=(), peers_port=PEERS_PORT,
             ipv6=True, bind="127.0.0.1"):
    """`extra` goes inside the zoneregistry block, `directives` (e.g. `prometheus ADDR`) beside it;
    `ipv6=False` gives each peer only its IPv4 address (one probe per peer and round). `bind` may
    list several addresses; the first is also ns1's."""
    peers = peers if peers is not None else [(h, r, a) for h, r, a in PEERS]
    out = [f"{ZONE}:{port} {{", f"    bind {bind}"] + [f"    {d}" for d in directives] + [
           "    zoneregistry {", f"        interval {interval}",
           f"        timeout {timeout}", "        ttl 30", f"        mode {mode}", f"        ns ns1.{ZONE} {bind.split()[0]}",
           extra]
    for host, role, addr in peers:
        out += [f"        peer {host}.{ZONE} {{", f"            role {role}", f"            ipv4 {addr}"] + \
            ([f"            ipv6 {v6(addr)}"] if ipv6 else []) + \
            ["            protocol tcp", f"            port {peers_port}", "        }"]
    out += ["    }", "}"]
    return "\n".join(out) + "\n"


def dns_query(name, qtype=1, qid=0x1234):
    q = struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\0" + struct.pack(">HH", qtype, 1)


def answers(port, name, timeout=0.3, address="127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(dns_query(name), (address, port))
        data, _ = s.recvfrom(4096)
        return len(data) >= 12 and data[2] & 0x80 != 0
    except OSError:
        return False
    finally:
        s.close()


def tree_pids(root):
    """root and all its descendants (NSD serves from a forked child)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except OSError:
                pass
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def cpu_seconds(root):
    """user+sys of the server's process tree, from /proc/PID/stat."""
    return sum(cpu_user_sys(root))


def cpu_user_sys(root):
    """(user, sys) CPU seconds of the server's process tree, from /proc/PID/stat."""
    tick = os.sysconf("SC_CLK_TCK")
    user = system = 0
    for pid in tree_pids(root):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            user += int(fields[11])
            system += int(fields[12])
        except OSError:
            pass
    return user / tick, system / tick


def rss_kib(root):
    total = 0
    for pid in tree_pids(root):
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def raise_fd_limit():
    """Probing 10,000 peers needs more descriptors than a shell's default soft limit."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Server:
    name = "?"
    probe_name = "app." + ZONE
    address = "127.0.0.1"

    def __init__(self, workdir, port, mode):
        self.dir = os.path.join(workdir, self.name)
        os.makedirs(self.dir, exist_ok=True)
        self.port, self.mode, self.proc = port, mode, None

    def command(self):
        raise NotImplementedError

    def write(self, name, text):
        """Writes `text` to `name` under the server's directory; returns the path."""
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    def write_zone(self, name="zone"):
        """The anchors' zone file for this run's mode (see `zone_file`)."""
        return self.write(name, zone_file(self.mode))

    def start(self, wait=15.0):
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.proc = subprocess.Popen(["taskset", "-c", SERVER_CORE] + self.command(), cwd=self.dir,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
                                     preexec_fn=raise_fd_limit)
        deadline = time.time() + wait
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log.name}")
            if answers(self.port, self.probe_name, address=self.address):
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer on {self.address}:{self.port} within {wait}s; see {self.log.name}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    @property
    def pid(self):
        return self.proc.pid


class ZoneRegistry(Server):
    name = "zoneregistry"

    def __init__(self, workdir, port, mode, binary, corefile_text=None, wrapper=()):
        super().__init__(workdir, port, mode)
        self.binary, self.wrapper = binary, list(wrapper)
        self.conf = self.write(f"Corefile.{mode}", corefile_text or corefile(mode, port))

    def command(self):
        return self.wrapper + [self.binary, "-conf", self.conf, "-quiet"]


class Gdnsd(Server):
    name = "gdnsd"

    def command(self):
        os.makedirs(os.path.join(self.dir, "run"), exist_ok=True)
        os.makedirs(os.path.join(self.dir, "state"), exist_ok=True)
        self.write("config", f"options => {{\n  listen => [ 127.0.0.1:{self.port} ]\n  udp_threads => 1\n"
                             f"  tcp_threads => 1\n  zones_rfc1035_auto => false\n}}\n")
        self.write_zone(os.path.join("zones", ZONE))
        return ["env", f"GDNSD_RUN_DIR={self.dir}/run", f"GDNSD_STATE_DIR={self.dir}/state",
                "gdnsd", "-c", self.dir, "start"]


class NSD(Server):
    name = "nsd"

    def zone_options(self):
        """The `zone:` clause's lines after its name: here a static zone file."""
        return f'    zonefile: "{self.write_zone()}"'

    def command(self):
        conf = self.write("nsd.conf", f"""server:
    ip-address: {self.address}
    port: {self.port}
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "{self.dir}"
    database: ""
    zonelistfile: "{self.dir}/zone.list"
    xfrdfile: "{self.dir}/xfrd.state"
    xfrdir: "{self.dir}"
    pidfile: "{self.dir}/nsd.pid"
    verbosity: 0
    rrl-ratelimit: 0
    tcp-count: 16
remote-control:
    control-enable: no
zone:
    name: {ZONE}
{self.zone_options()}
""")
        return ["nsd", "-d", "-c", conf]


class Knot(Server):
    name = "knot"

    def command(self):
        zf = self.write_zone()
        conf = self.write("knot.conf", f"""server:
    listen: 127.0.0.1@{self.port}
    rundir: "{self.dir}"
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "{self.dir}/db"
log:
  - target: stderr
    any: warning
zone:
  - domain: {ZONE}
    file: "{zf}"
    storage: "{self.dir}"
    zonefile-sync: -1
    journal-content: none
""")
        return ["knotd", "-c", conf]


class Responder(Server):
    name = "c-responder"

    def __init__(self, workdir, port, mode, binary):
        super().__init__(workdir, port, mode)
        self.binary = binary

    def command(self):
        return [self.binary, "127.0.0.1", str(self.port)]


def anchors_available():
    return {name: shutil.which(cmd) is not None for name, cmd in (("gdnsd", "gdnsd"), ("nsd", "nsd"), ("knot", "knotd"))}
