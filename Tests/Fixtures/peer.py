#!/usr/bin/env python3
"""A cluster gateway stand-in for end-to-end tests: an HTTP(S) health endpoint on a loopback
address. Prints "ready" once listening and nothing else: no line per request, no traceback
for a client that resets. Loopback addresses only."""
import argparse, http.server, ipaddress, socket, ssl, sys, time

parser = argparse.ArgumentParser()
parser.add_argument("--address", required=True)
parser.add_argument("--port", type=int, default=8080)
parser.add_argument("--status", type=int, default=200)
parser.add_argument("--delay", type=float, default=0.0, help="seconds before answering")
parser.add_argument("--unhealthy-for", action="append", default=[],
                    help="answer 503 to probes from this source address (repeatable)")
parser.add_argument("--cert")
parser.add_argument("--key")
args = parser.parse_args()
if not ipaddress.ip_address(args.address).is_loopback:
    sys.exit("peer.py serves loopback addresses only")

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if args.delay:
            time.sleep(args.delay)
        status = 503 if self.client_address[0] in args.unhealthy_for else args.status
        body = b"OK\n" if status == 200 else b"unhealthy\n"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_):
        pass

class Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6 if ":" in args.address else socket.AF_INET
    allow_reuse_address = True
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A `protocol tcp` probe connects and resets without a request, and a TLS client may
        # hang up mid-handshake: ordinary for a health endpoint, so nothing is printed.
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, ssl.SSLError, TimeoutError)):
            super().handle_error(request, client_address)

server = Server((args.address, args.port), Handler)
if args.cert:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
print("ready", flush=True)
server.serve_forever()
