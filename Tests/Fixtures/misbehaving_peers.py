#!/usr/bin/env python3
"""Health endpoints that misbehave, many at once, for the registry's probes to judge.

Reads a plan file, one peer per line: `BEHAVIOUR ADDRESS PORT`, and serves them all from one
single-threaded loop. Prints "ready" once every listener is up. Loopback addresses only.

  good             answers 200 OK
  silent           accepts, reads, never answers
  garbage          sends bytes that are not HTTP as soon as it accepts
  late200          answers 200 OK, but only after --late seconds (beyond the probe timeout)
  endless-headers  sends a 200 status line, then a header line every 20 ms, forever
  endless-status   sends "HTTP/1.1 200 " and then reason-phrase bytes forever
  reset            sends half a status line, then resets the connection (RST)
  refused          nothing listens there: the connect is refused
  blackhole        a listener whose accept queue is full and that never accepts: SYNs are
                   dropped, so a connect neither completes nor fails
"""
import argparse, heapq, ipaddress, resource, selectors, socket, struct, sys, time

parser = argparse.ArgumentParser()
parser.add_argument("--plan", required=True)
parser.add_argument("--late", type=float, default=2.0)
args = parser.parse_args()

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

selector = selectors.DefaultSelector()
timers = []          # (when, sequence, callback)
sequence = 0
held = []            # sockets kept open only so that a blackhole's queue stays full


def later(delay, callback):
    global sequence
    sequence += 1
    heapq.heappush(timers, (time.monotonic() + delay, sequence, callback))


class Connection:
    def __init__(self, sock, behaviour):
        self.sock = sock
        self.behaviour = behaviour
        self.open = True
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ, self)
        if behaviour == "garbage":
            self.send(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
        elif behaviour == "endless-headers":
            self.send(b"HTTP/1.1 200 OK\r\n")
            self.trickle(b"X-Padding: " + b"x" * 40 + b"\r\n", 0.02)
        elif behaviour == "endless-status":
            self.send(b"HTTP/1.1 200 ")
            self.trickle(b"O" * 1024, 0.005)
        elif behaviour == "late200":
            later(args.late, lambda: self.send(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nOK\n", close=True))

    def readable(self):
        try:
            data = self.sock.recv(4096)
        except OSError:
            data = b""
        if not data:
            self.close()
            return
        if self.behaviour == "good":
            self.send(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nOK\n", close=True)
        elif self.behaviour == "reset":
            self.send(b"HTTP/1.1 2")
            if self.open:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close()

    def send(self, data, close=False):
        if not self.open:
            return
        try:
            self.sock.send(data)
        except OSError:
            self.close()
            return
        if close:
            self.close()

    def trickle(self, data, every):
        def step():
            if self.open:
                self.send(data)
                later(every, step)
        later(every, step)

    def close(self):
        if self.open:
            self.open = False
            selector.unregister(self.sock)
            self.sock.close()


class Listener:
    def __init__(self, behaviour, address, port):
        self.behaviour = behaviour
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((address, port))
        if behaviour == "blackhole":
            self.sock.listen(0)
            self.fill_queue(family, address, port)
        else:
            self.sock.listen(128)
            self.sock.setblocking(False)
            selector.register(self.sock, selectors.EVENT_READ, self)

    def fill_queue(self, family, address, port):
        # With a backlog of 0 the kernel queues one connection; the ones after it wait in
        # SYN-SENT forever, and so does every probe.
        for _ in range(3):
            client = socket.socket(family, socket.SOCK_STREAM)
            # From the listener's own address, not an ephemeral port of 127.0.0.1 that other
            # tests' daemons may want to bind.
            client.bind((address, 0))
            client.setblocking(False)
            client.connect_ex((address, port))
            held.append(client)

    def readable(self):
        try:
            sock, _ = self.sock.accept()
        except OSError:
            return
        Connection(sock, self.behaviour)


listeners = []
for line in open(args.plan):
    fields = line.split()
    if not fields:
        continue
    behaviour, address, port = fields[0], fields[1], int(fields[2])
    if not ipaddress.ip_address(address).is_loopback:
        sys.exit("misbehaving_peers.py serves loopback addresses only")
    if behaviour != "refused":
        listeners.append(Listener(behaviour, address, port))
print("ready", flush=True)

while True:
    timeout = None
    if timers:
        timeout = max(0.0, timers[0][0] - time.monotonic())
    for key, _ in selector.select(timeout):
        key.data.readable()
    now = time.monotonic()
    while timers and timers[0][0] <= now:
        _, _, callback = heapq.heappop(timers)
        callback()
