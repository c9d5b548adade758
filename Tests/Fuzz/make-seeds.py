#!/usr/bin/env python3
"""Writes the seed corpora of the libFuzzer targets (Tests/Fuzz/corpus/<target>/). The seeds
are committed; rerun this only to change them. Names say what each seed is."""
import base64, hashlib, hmac, os, struct, shutil

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

def name(text):
    out = b""
    for label in text.strip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"

def header(id=0x1234, flags=0x0100, qd=1, an=0, ns=0, ar=0):
    return struct.pack(">HHHHHH", id, flags, qd, an, ns, ar)

def opt(payload=1232, version=0, do=False, options=b""):
    return b"\0" + struct.pack(">HHBBHH", 41, payload, 0, version, 0x8000 if do else 0, len(options)) + options

def query(qname, qtype=1, qclass=1, id=0x1234, flags=0x0100, edns=None):
    ar = 1 if edns is not None else 0
    return header(id, flags, 1, 0, 0, ar) + name(qname) + struct.pack(">HH", qtype, qclass) + (edns or b"")

def tsig(message, keyname="k.fuzz.test", secret="ZnV6ei1rZXk=", time=1700000000, fudge=300, mac_size=None,
         digest=hashlib.sha256, algorithm="hmac-sha256"):
    """`message` signed per RFC 8945 §4.3 with Python's own hmac (not the daemon's code)."""
    variables = name(keyname) + struct.pack(">HI", 255, 0) + name(algorithm) + struct.pack(">HIH", time >> 32, time & 0xffffffff, fudge) + struct.pack(">HH", 0, 0)
    mac = hmac.new(base64.b64decode(secret), message + variables, digest).digest()
    mac = mac[:mac_size] if mac_size is not None else mac
    rdata = name(algorithm) + struct.pack(">HIHH", time >> 32, time & 0xffffffff, fudge, len(mac)) + mac + message[:2] + struct.pack(">HH", 0, 0)
    signed = bytearray(message + name(keyname) + struct.pack(">HHIH", 250, 255, 0, len(rdata)) + rdata)
    signed[10:12] = struct.pack(">H", struct.unpack(">H", message[10:12])[0] + 1)
    return bytes(signed)

def ixfr(zone, serial, id=0x1234):
    """RFC 1995 §3: the client's SOA (its serial) in the authority section."""
    soa = name("ns." + zone) + name("hostmaster." + zone) + struct.pack(">IIIII", serial, 60, 10, 600, 30)
    return (header(id, 0, 1, 0, 1, 0) + name(zone) + struct.pack(">HH", 251, 1)
            + name(zone) + struct.pack(">HHIH", 6, 1, 0, len(soa)) + soa)

A, NS, CNAME, SOA, MX, TXT, AAAA, SRV, ANY = 1, 2, 5, 6, 15, 16, 28, 33, 255
peer1 = "peer-1-" + "h" * 20 + ".d.fuzz.test"
long_c = "a" * 60 + "." + "b" * 60 + ".svc.c.fuzz.test"
dns = {
    "tsig-signed-a": tsig(query("www.d.fuzz.test")),
    "tsig-signed-txt-edns": tsig(query("www.d.fuzz.test", 16, edns=opt())),
    "tsig-unsigned-txt-required": query("www.d.fuzz.test", 16),
    "tsig-sha512": tsig(query("www.d.fuzz.test"), digest=hashlib.sha512, algorithm="hmac-sha512"),
    "tsig-truncated-mac-16": tsig(query("www.d.fuzz.test"), mac_size=16),
    "tsig-truncated-mac-9": tsig(query("www.d.fuzz.test"), mac_size=9),
    "tsig-bad-secret": tsig(query("www.d.fuzz.test"), secret="b3RoZXI="),
    "tsig-bad-time": tsig(query("www.d.fuzz.test"), time=1600000000),
    "tsig-unknown-key": tsig(query("www.d.fuzz.test"), keyname="nobody.fuzz.test"),
    "tsig-not-last": tsig(query("www.d.fuzz.test"))[:10] + b"\x00\x02" + tsig(query("www.d.fuzz.test"))[12:] + opt(),
    "tsig-twice": (lambda m: m[:10] + b"\x00\x02" + m[12:] + m[len(query("www.d.fuzz.test")):])(tsig(query("www.d.fuzz.test"))),
    "tsig-other-zone": tsig(query("x.a.fuzz.test")),
    "delegate-a": query("www.d.fuzz.test"),
    "delegate-a-edns-4096-do": query("www.d.fuzz.test", edns=opt(4096, do=True)),
    "delegate-all-down": query("www.d.fuzz.test", id=0xffff),
    "delegate-edns-512": query("WwW.D.Fuzz.Test", edns=opt(512)),
    "apex-soa": query("d.fuzz.test", SOA),
    "apex-ns": query("d.fuzz.test", NS, edns=opt()),
    "apex-mx-nodata": query("d.fuzz.test", MX),
    "ns-name-a": query("ns1.d.fuzz.test", A),
    "ns-name-aaaa": query("ns1.d.fuzz.test", AAAA),
    "peer-host-referral": query(peer1, A),
    "below-peer-host": query("x." + peer1, TXT),
    "address-a": query("app.a.fuzz.test", A, id=0x0000),
    "address-aaaa-secondary": query("app.a.fuzz.test", AAAA, id=0x0003),
    "address-servfail": query("app.a.fuzz.test", A, id=0x0007),
    "address-any-class": query("app.a.fuzz.test", ANY, qclass=255),
    "cname": query("app.c.fuzz.test", CNAME),
    "cname-too-long": query(long_c, A),
    "cname-fallthrough-refused": query("x.sub.c.fuzz.test", A),
    "whoami-root": query("example.com", A),
    "whoami-chaos": query("version.bind", TXT, qclass=3),
    "edns-version-1": query("www.d.fuzz.test", edns=opt(version=1)),
    "edns-options": query("www.d.fuzz.test", edns=opt(options=struct.pack(">HH", 10, 8) + b"cookie!!")),
    "edns-option-too-long": query("www.d.fuzz.test", edns=opt(options=struct.pack(">HH", 10, 200) + b"x")),
    "edns-two-opts": header(ar=2) + name("www.d.fuzz.test") + struct.pack(">HH", 1, 1) + opt() + opt(),
    "edns-owner-not-root": header(ar=1) + name("www.d.fuzz.test") + struct.pack(">HH", 1, 1) + name("x") + opt()[1:],
    "qtype-opt": query("www.d.fuzz.test", 41),
    "qdcount-0": header(qd=0),
    "qdcount-2": header(qd=2) + name("a.d.fuzz.test") + b"\0\1\0\1" + name("b.d.fuzz.test") + b"\0\1\0\1",
    "opcode-notify": query("d.fuzz.test", SOA, flags=0x2000),
    "qr-set": query("www.d.fuzz.test", flags=0x8100),
    "short-11": header()[:11],
    "truncated-question": query("www.d.fuzz.test")[:20],
    "label-64": header() + b"\x40" + b"x" * 64 + b"\0\0\1\0\1",
    "name-256": header() + (b"\x3f" + b"n" * 63) * 4 + b"\0\0\1\0\1",
    "pointer-in-question": header() + b"\xc0\x0c\0\1\0\1",
    "pointer-loop-answer": header(an=1) + name("www.d.fuzz.test") + b"\0\1\0\1" + b"\xc0\x21\xc0\x1f" + b"\0\1\0\1\0\0\0\0\0\0",
    "forward-pointer-answer": header(an=1) + name("www.d.fuzz.test") + b"\0\1\0\1" + b"\xc0\x40" + b"\0\1\0\1\0\0\0\0\0\0",
    "answer-rdlength-past-end": header(an=1) + name("www.d.fuzz.test") + b"\0\1\0\1" + b"\0\0\1\0\1\0\0\0\0\xff\xff",
    "axfr": query("d.fuzz.test", 252),
    "axfr-tsig": tsig(query("d.fuzz.test", 252)),
    "ixfr-serial-1": ixfr("d.fuzz.test", 1),
    "ixfr-serial-future": ixfr("d.fuzz.test", 0xfffffff0),
    "ixfr-c-zone-tsig": tsig(ixfr("c.fuzz.test", 7)),
    "any": query("www.d.fuzz.test", ANY),
}

corefiles = {
    "seed-registry": open(os.path.join(os.path.dirname(ROOT), "..", "Fixtures", "seed-registry.Corefile"), "rb").read(),
    "seed-peer": open(os.path.join(os.path.dirname(ROOT), "..", "Fixtures", "seed-peer.Corefile"), "rb").read(),
    "modes": b"""example.org:1053 example.net {
    bind 127.0.0.1 ::1
    zoneregistry example.org {
        mode address
        interval 1m30s
        timeout 250ms
        rise 2
        fall 3
        select cluster-env=prod
        fail_open off
        fallthrough in-addr.arpa
        ns ns1.example.org 192.0.2.1 2001:db8::1
        peer a.example.org {
            labels cluster-env=prod tier=
            ipv4 192.0.2.10
            protocol https
            tls_insecure
        }
        peer "b.example.org" {
            role secondary
            ipv6 2001:db8::b
            protocol tcp
            port 443
        }
    }
    whoami
    health :8080 { lameduck 5s }
    ready localhost:8181
    prometheus [::1]:9153
    log
    errors
}
""",
    "environment": b"{$ZONE}:53 {\n    zoneregistry {\n        ttl {$TTL}\n        peer p.{$ZONE} { ipv4 127.0.0.1 }\n    }\n}\n",
    "errors": b". {\n    zoneregistry service.example {\n        intervall 5\n        peer p.service.example {\n            ipv4 172.100.0.1043\n        }\n    }\n    \"unclosed\n",
    "comments-and-commas": b"# c\ndns://a.example:53,\n  b.example:54 { # x\n  whoami#y\n}\n",
}

http_requests = {  # first byte: chunk size - 1
    "get-health": b"\x00GET /health HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: curl\r\n\r\n",
    "head-ready-lf": b"\x07HEAD /ready?x=1 HTTP/1.0\n\n",
    "metrics-big-chunks": b"\xffGET /metrics HTTP/1.1\r\nAccept: */*\r\n\r\nbody",
    "bad-version": b"\x02GET / HTTP/2.0\r\n\r\n",
    "lowercase-method": b"\x03get /health HTTP/1.1\r\n\r\n",
    "control-byte": b"\x01GET /he\x01alth HTTP/1.1\r\n\r\n",
    "no-end": b"\x10GET /health HTTP/1.1\r\nX: " + b"y" * 200,
}

http_statuses = {
    "ok": b"\x00HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nOK\n",
    "ok-no-reason": b"\x05HTTP/1.0 200\r\n",
    "ok-lf": b"\x0fHTTP/1.1 200 OK\n",
    "unavailable": b"\x02HTTP/1.1 503 Service Unavailable\r\n\r\n",
    "garbage": b"\x00SSH-2.0-OpenSSH_9.2\r\n",
    "http2-preface": b"\x03PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    "long-reason": b"\xffHTTP/1.1 200 " + b"r" * 600,
    "cut": b"\x00HTTP/1.1 20",
    # An odd chunk size (even first byte) probes with expect_body "ready", an even one with 200-299.
    "body-ready-length": b"\x00HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nready\n",
    "body-chunked-split": b"\x02HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nrea\r\n2;x=y\r\ndy\r\n0\r\n\r\n",
    "body-starting-close": b"\x04HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nstarting",
    "body-bad-chunk": b"\x00HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    "range-204-headers": b"\x01HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n",
    "headers-long": b"\x01HTTP/1.1 200 OK\r\n" + b"X-A: b\r\n" * 100,
}

TOKEN = b"fuzz-token-0123456789abcdef"  # ControlRequestFuzzer.token

def control(method, target, body=None, token=TOKEN, extra=b""):
    head = method + b" " + target + b" HTTP/1.1\r\nHost: c\r\n" + extra
    if token is not None:
        head += b"Authorization: Bearer " + token + b"\r\n"
    if body is not None:
        head += b"Content-Length: " + str(len(body)).encode() + b"\r\n"
    return head + b"\r\n" + (body or b"")

control_requests = {  # whole requests, no chunk byte: the reader is fed at once
    "status": control(b"GET", b"/status", token=None),
    "page": control(b"GET", b"/", token=None),
    "explain-aaaa": control(b"GET", b"/explain?name=app.f.test&type=AAAA", token=None),
    "explain-bad-name": control(b"GET", b"/explain?name=a..b", token=None),
    "explain-peer": control(b"GET", b"/explain?name=x.prod1.f.test", token=None),
    "drain-for": control(b"PUT", b"/overrides/prod1", b'{"state":"drain","for":"3s","reason":"fuzz"}'),
    "up-full-host": control(b"PUT", b"/overrides/prod2.f.test.", b'{"state":"up"}'),
    "select-dev": control(b"PUT", b"/overrides?select=cluster-env%3Ddev", b'{"state":"drain"}'),
    "auto": control(b"PUT", b"/overrides/dev1", b'{"state":"auto"}'),
    "delete": control(b"DELETE", b"/overrides/prod1"),
    "no-token": control(b"PUT", b"/overrides/prod1", b'{"state":"drain"}', token=None),
    "wrong-token": control(b"PUT", b"/overrides/prod1", b'{"state":"drain"}', token=TOKEN[:-1] + b"X"),
    "bad-json": control(b"PUT", b"/overrides/prod1", b'{"state":"drain"'),
    "nested-json": control(b"PUT", b"/overrides/prod1", b"[" * 600 + b"]" * 600),
    "absurd-duration": control(b"PUT", b"/overrides/prod1", b'{"state":"drain","for":"99999h"}'),
    "unknown-peer": control(b"PUT", b"/overrides/web1.other.test", b'{"state":"drain"}'),
    "post": control(b"POST", b"/overrides/prod1", b"{}"),
    "list": control(b"GET", b"/overrides", token=None),
}

def txt(*strings):
    """TXT RDATA: each string a length byte and its bytes."""
    return b"".join(bytes([len(t)]) + t for t in (x.encode() for x in strings))

P1, P2 = "prod1.service.example.net.", "dev1.service.example.net."
master_views = {  # the strings of a fellow's `_zoneregistry.Z` TXT answer (docs/quorum.md)
    "verdicts": txt("serial 1764662400", P1 + " up round=12 age=3", P2 + " down round=4 age=0"),
    "no-serial": txt(P1 + " up round=1 age=0"),
    "two-serials": txt("serial 1", "serial 2"),
    "unknown-kind": txt("serial 7", "weather sunny", P1 + " up round=1 age=0 colour=blue"),
    "drain": txt("serial 9", "override " + P1 + " drain set=1764662400123 until=1764662403123 by=127.0.0.1:40312 reason=maint%20window"),
    "tombstone": txt("serial 9", "override " + P1 + " auto set=1764662400123 removed=1764662403123 by=127.0.0.1:40312"),
    "same-ms": txt("serial 9", "override " + P1 + " drain set=1764662400000 by=a", "override " + P1 + " up set=1764662400000 by=b",
                   "override " + P1 + " auto set=1764662400000 by=c"),
    "expired": txt("serial 9", "override " + P2 + " drain set=1764662300000 until=1764662301000 by=x reason=old"),
    "future": txt("serial 9", "override " + P1 + " drain set=9223372036854775807 by=x"),
    "bad-escape": txt("serial 9", "override " + P1 + " drain set=1 by=%zz reason=%0A"),
    "long-reason": txt("serial 9", "override " + P1 + " up set=1764662400123 reason=" + "%C3%A9" * 30),
}

for target, seeds in [("dns", dns), ("corefile", corefiles), ("http-request", http_requests), ("http-status", http_statuses),
                      ("control-request", control_requests), ("master-view", master_views)]:
    directory = os.path.join(ROOT, target)
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    for seed_name, data in seeds.items():
        with open(os.path.join(directory, seed_name), "wb") as f:
            f.write(data)
