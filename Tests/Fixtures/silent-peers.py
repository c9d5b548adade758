#!/usr/bin/env python3
"""Many hung cluster gateways for end-to-end tests: listens on PORT of COUNT consecutive
loopback addresses from FIRST and never accepts, so the kernel completes the handshake (or,
once a backlog is full, drops the SYN) and no status line ever comes: every http probe ends
in its timeout, never in a quick refusal. Prints "ready" once listening. Loopback only."""
import argparse, ipaddress, signal, socket, sys

parser = argparse.ArgumentParser()
parser.add_argument("--first", required=True, help="first IPv4 address, e.g. 127.0.4.1")
parser.add_argument("--count", type=int, required=True)
parser.add_argument("--port", type=int, default=8080)
args = parser.parse_args()
first = ipaddress.IPv4Address(args.first)
addresses = [first + offset for offset in range(args.count)]
if not all(address.is_loopback for address in addresses):
    sys.exit("silent-peers.py listens on loopback addresses only")

listeners = []
for address in addresses:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((str(address), args.port))
    listener.listen(64)
    listeners.append(listener)
print("ready", flush=True)
signal.pause()
