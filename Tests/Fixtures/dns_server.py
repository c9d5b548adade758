#!/usr/bin/python3
"""A DNS server that misbehaves on request, for the outgoing-query and quorum tests. Listens on
UDP and TCP at --address:--port (loopback only), prints "ready", answers every query per --mode:

  answer    NOERROR with one TXT "hello" (over TCP a TXT of --size bytes)
  truncate  over UDP an empty answer with TC=1; over TCP the TXT of --size bytes
  wrong-id  over UDP a response with another ID first, then the right one 50 ms later
  garbage   random bytes, wrong length prefix over TCP
  huge      over UDP --size bytes of TXT; over TCP a 2-byte prefix announcing --size bytes
  silent    reads and never answers
  slow      the `answer` reply after --delay seconds

Run with /usr/bin/python3 (Debian's python3-dnspython)."""
import argparse, ipaddress, os, socket, struct, sys, threading, time
import dns.message, dns.rrset, dns.flags

parser = argparse.ArgumentParser()
parser.add_argument("--address", required=True)
parser.add_argument("--port", type=int, default=53)
parser.add_argument("--mode", default="answer")
parser.add_argument("--size", type=int, default=3000)
parser.add_argument("--delay", type=float, default=0.0)
args = parser.parse_args()
if not ipaddress.ip_address(args.address).is_loopback:
    sys.exit("dns_server.py serves loopback addresses only")

def txt_answer(wire, size=None):
    query = dns.message.from_wire(wire, ignore_trailing=True)
    response = dns.message.make_response(query)
    response.flags |= dns.flags.AA
    strings = ['"hello"'] if size is None else ['"%s"' % ("x" * 200)] * max(1, size // 201)
    response.answer.append(dns.rrset.from_text(query.question[0].name, 0, "IN", "TXT", " ".join(strings)))
    return response

def udp_reply(wire):
    mode = args.mode
    if mode == "silent":
        return []
    if mode == "garbage":
        return [os.urandom(40)]
    if mode == "slow":
        time.sleep(args.delay)
    if mode == "truncate":
        response = dns.message.make_response(dns.message.from_wire(wire, ignore_trailing=True))
        response.flags |= dns.flags.TC
        return [response.to_wire()]
    if mode == "huge":
        return [txt_answer(wire, args.size).to_wire()]
    reply = txt_answer(wire).to_wire()
    if mode == "wrong-id":
        return [bytes([reply[0] ^ 0xff]) + reply[1:], reply]
    return [reply]

def tcp_reply(wire):
    mode = args.mode
    if mode == "silent":
        time.sleep(30)
        return b""
    if mode == "garbage":
        return b"\xff\xff" + os.urandom(40)
    if mode == "huge":
        return struct.pack(">H", min(args.size, 65535)) + b"\0" * 100
    if mode == "slow":
        time.sleep(args.delay)
    reply = txt_answer(wire, args.size if mode in ("truncate", "answer") else None).to_wire()
    return struct.pack(">H", len(reply)) + reply

def serve_udp(sock):
    while True:
        wire, client = sock.recvfrom(65535)
        def answer(wire=wire, client=client):
            for i, reply in enumerate(udp_reply(wire)):
                if i:
                    time.sleep(0.05)
                sock.sendto(reply, client)
        threading.Thread(target=answer, daemon=True).start()

def serve_tcp(listener):
    while True:
        conn, _ = listener.accept()
        def answer(conn=conn):
            try:
                header = conn.recv(2)
                length = struct.unpack(">H", header)[0]
                wire = b""
                while len(wire) < length:
                    wire += conn.recv(length - len(wire))
                conn.sendall(tcp_reply(wire))
            except Exception:
                pass
            finally:
                conn.close()
        threading.Thread(target=answer, daemon=True).start()

udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind((args.address, args.port))
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind((args.address, args.port))
tcp.listen(16)
threading.Thread(target=serve_tcp, args=(tcp,), daemon=True).start()
print("ready", flush=True)
serve_udp(udp)
