"""Asks a server one TSIG-signed question with dnspython and prints what dnspython made of the
answer: `verified RCODE COUNT` (COUNT = answer records), or the class name of the exception
dnspython raised (PeerBadTime, PeerBadKey, BadSignature, ...).

usage: tsig_client.py SERVER PORT KEYNAME SECRET ALGORITHM QNAME QTYPE [--skew SECONDS] [--tcp]
Run with Debian's /usr/bin/python3 (python3-dnspython). With --skew the client's clock, and so
its Time Signed, is off by that many seconds."""
import sys, time
import dns.message, dns.query, dns.rcode, dns.tsig

server, port, keyname, secret, algorithm, qname, qtype = sys.argv[1:8]
if "--skew" in sys.argv:
    skew = float(sys.argv[sys.argv.index("--skew") + 1])
    real_time = time.time
    time.time = lambda: real_time() + skew
query = dns.message.make_query(qname, qtype, use_edns=False)
query.use_tsig(dns.tsig.Key(keyname, secret, algorithm))
send = dns.query.tcp if "--tcp" in sys.argv else dns.query.udp
try:
    response = send(query, server, port=int(port), timeout=3)
    print("verified", dns.rcode.to_text(response.rcode()), sum(len(r) for r in response.answer))
except Exception as error:  # the class name is the verdict the test checks
    print(type(error).__name__)
