#!/usr/bin/python3
"""Compares a secondary's answers with the registry's, for every name of the zone the
registry transfers and every type (dnspython as the independent client and parser).

Usage: compare_secondary.py REGISTRY_ADDR PORT SECONDARY_ADDR PORT ZONE KEYNAME SECRET SOURCE [EXTRA_NAME...]
(SOURCE: the local address the AXFR is sent from, one the registry's `transfer` lists)
Prints one line per difference and exits 1 if there is any; prints the count compared.
Names the registry answers but the zone does not list (SPEC §10) are not asked."""
import sys

import dns.flags
import dns.message
import dns.query
import dns.rdatatype
import dns.tsigkeyring
import dns.zone

registry, registry_port, secondary, secondary_port, zone_name, key_name, secret, source = sys.argv[1:9]
extra = sys.argv[9:]
for address in (registry, secondary, source):
    if not address.startswith("127."):
        sys.exit("loopback addresses only")
keyring = dns.tsigkeyring.from_text({key_name: secret})
zone = dns.zone.from_xfr(dns.query.xfr(registry, zone_name, port=int(registry_port), keyring=keyring,
                                       keyalgorithm="hmac-sha256", source=source, relativize=False),
                         relativize=False)
origin = zone.origin


def ask(address, port, name, rdtype):
    query = dns.message.make_query(name, rdtype)
    query.flags &= ~dns.flags.RD
    response = dns.query.udp(query, address, port=int(port), timeout=2)
    def records(section, types=None):
        return sorted(f"{rrset.name.to_text().lower()} {dns.rdatatype.to_text(rrset.rdtype)} {rdata.to_text().lower()}"
                      for rrset in section for rdata in rrset if types is None or rrset.rdtype in types)
    return {
        "rcode": response.rcode(),
        "aa": bool(response.flags & dns.flags.AA),
        "answer": records(response.answer),
        "referral": records(response.authority, {dns.rdatatype.NS}) if not response.flags & dns.flags.AA else [],
        "glue": records(response.additional, {dns.rdatatype.A, dns.rdatatype.AAAA}) if not response.flags & dns.flags.AA else [],
        "nodata_soa": records(response.authority, {dns.rdatatype.SOA}) if not response.answer else [],
    }


names = sorted({name.derelativize(origin).to_text().lower() for name in zone.nodes.keys()} - {"*." + origin.to_text().lower()})
names += [dns.name.from_text(n, origin).to_text().lower() for n in extra]
differences = 0
compared = 0
for name in names:
    for rdtype in ("A", "AAAA", "NS", "CNAME", "TXT") + (("SOA",) if name == origin.to_text().lower() else ()):
        ours = ask(registry, registry_port, name, rdtype)
        theirs = ask(secondary, secondary_port, name, rdtype)
        compared += 1
        if ours != theirs:
            differences += 1
            changed = {key: (ours[key], theirs[key]) for key in ours if ours[key] != theirs[key]}
            print(f"{name} {rdtype}: (registry, secondary) {changed}")
print(f"compared {compared} questions over {len(names)} names, {differences} differ")
sys.exit(1 if differences else 0)
