#!/usr/bin/env python3
"""A health endpoint that records, per connection, what a registry's probe did: where it came
from, what it asked, and how it left. For the polite-probe tests (SPEC §12). Loopback only.

Each connection: read the request head, answer as told, then close the way a careful server
does (Apache's lingering close): its own side first (shutdown(SHUT_WR), after close_notify
over TLS), then read until the prober's side ends. One JSON line per connection goes to
--record:
  {"source": "127.0.11.61", "request": "GET /health HTTP/1.1", "headers": {"host": ...},
   "end": "clean" | "reset" | "timeout", "close_notify": true | false | null, "seconds": 0.01,
   "sni": "app.example.org" (TLS only)}
"clean": recv returned 0 (the prober sent FIN); "reset": ECONNRESET (RST). Prints "ready"
once listening and nothing else."""
import argparse, errno, ipaddress, json, socket, ssl, sys, threading, time

parser = argparse.ArgumentParser()
parser.add_argument("--address", required=True)
parser.add_argument("--port", type=int, default=8080)
parser.add_argument("--record", required=True)
parser.add_argument("--status", default="200 OK")
parser.add_argument("--body", default="OK\n")
parser.add_argument("--header", action="append", default=[], help="extra response header line")
parser.add_argument("--pause", type=float, default=0.0,
                    help="write status line, headers and body separately, pausing this long between")
parser.add_argument("--forever", type=float, default=None,
                    help="after the headers send body bytes forever, 1 KiB every this many seconds")
parser.add_argument("--require-header", action="append", default=[], metavar="NAME:VALUE",
                    help="answer 400 unless the request carries this header with this value")
parser.add_argument("--cert")
parser.add_argument("--key")
args = parser.parse_args()
if not ipaddress.ip_address(args.address).is_loopback:
    sys.exit("recording_peer.py serves loopback addresses only")

lock = threading.Lock()
record = open(args.record, "a", buffering=1)
context = None
server_names = {}  # id(SSLSocket) -> the SNI the client sent
if args.cert:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    context.sni_callback = lambda sslobj, name, _: server_names.__setitem__(id(sslobj), name)
required = [(n.strip().lower(), v.strip()) for n, _, v in (h.partition(":") for h in args.require_header)]


def write(entry):
    with lock:
        record.write(json.dumps(entry) + "\n")


def read_head(conn):
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return lines[0], headers


def respond(conn, headers):
    body = args.body.encode()
    status = args.status
    if any(headers.get(name) != value for name, value in required):
        status, body = "400 Bad Request", b"missing required header\n"
    head = f"HTTP/1.1 {status}\r\n".encode()
    fields = "".join(f"{h}\r\n" for h in args.header)
    if args.forever is None:
        fields += f"Content-Length: {len(body)}\r\n"
    fields = (fields + "Connection: close\r\n\r\n").encode()
    if args.forever is not None:
        conn.sendall(head + fields)
        while True:
            conn.sendall(b"x" * 1024)
            time.sleep(args.forever)
    if args.pause:
        for part in (head, fields, body):
            conn.sendall(part)
            time.sleep(args.pause)
    else:
        conn.sendall(head + fields + body)


def ending(raw, deadline=10.0):
    raw.settimeout(deadline)
    try:
        while raw.recv(4096):
            pass
        return "clean"
    except ConnectionResetError:
        return "reset"
    except socket.timeout:
        return "timeout"


def serve(raw, source):
    started = time.monotonic()
    entry = {"source": source, "request": None, "headers": {}, "close_notify": None}
    conn = raw
    try:
        if context:
            conn = context.wrap_socket(raw, server_side=True)  # takes over raw's descriptor
        if context:
            entry["sni"] = server_names.pop(id(conn), None)
        entry["request"], entry["headers"] = read_head(conn)
        if entry["request"]:
            respond(conn, entry["headers"])
        if context:
            try:
                conn = conn.unwrap()  # close_notify, then the prober's close_notify
                entry["close_notify"] = True
            except (ssl.SSLError, OSError):
                entry["close_notify"] = False
        conn.shutdown(socket.SHUT_WR)
        entry["end"] = ending(conn)
    except (ConnectionResetError, BrokenPipeError):
        entry["end"] = "reset"
    except (ssl.SSLError, OSError) as error:
        # shutdown() on a connection the prober already reset fails with ENOTCONN.
        reset = isinstance(error, OSError) and error.errno in (errno.ECONNRESET, errno.ENOTCONN, errno.EPIPE)
        entry["end"] = "reset" if reset else f"error {error.__class__.__name__}"
    entry["seconds"] = round(time.monotonic() - started, 3)
    write(entry)
    conn.close()


family = socket.AF_INET6 if ":" in args.address else socket.AF_INET
listener = socket.socket(family, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind((args.address, args.port))
listener.listen(512)
print("ready", flush=True)
while True:
    raw, address = listener.accept()
    threading.Thread(target=serve, args=(raw, address[0]), daemon=True).start()
