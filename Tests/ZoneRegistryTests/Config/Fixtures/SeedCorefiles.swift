/// Corefiles copied verbatim from the design documents, so that the parser is held to what
/// operators already have.
enum SeedCorefiles {
    /// SPEC §2: the registry master of the plugin's docker setup.
    static let registry = """
. {
    debug
    log
    prometheus 0.0.0.0:9153

    zoneregistry service.pinax.network {
        interval 5
        timeout 10
        ttl 300

        peer peer1.service.pinax.network {
            role primary
            labels cluster-env=prod
            ipv4 172.100.0.101
            ipv6 2001:db8::101
            protocol http
            path /health
            port 8080
        }
        peer peer3.service.pinax.network {
            role secondary
            labels cluster-env=dev
            ipv4 172.100.0.103
            ipv6 2001:db8::103
            protocol http
            path /health
            port 8080
        }
    }
}
"""

    /// SPEC §2: a peer's own Corefile.
    static let peer = """
. {
    debug
    log
    whoami
    health {
        lameduck 5s
    }
}
"""

    /// seed-plugin-README.md "Example": `IPv4`, `debug` and `metrics`, and a typo in one address.
    static let pluginReadmeExample = """
. {
  zoneregistry service.pinax.network {
    debug
    metrics
    interval 60
    timeout 10
    ttl 300

    peer riv-prod1.service.pinax.network {
        role primary
        labels cluster-env=prod
        IPv4 172.100.0.101
        IPv6 2001:db8:172:100::101
        protocol http
        path /health
        port 8080
    }
    peer riv-prod2.service.pinax.network {
        role primary
        labels cluster-env=prod
        IPv4 172.100.0.102
        IPv6 2001:db8:172:100::102
        protocol http
        path /health
        port 8080
    }
    peer mar-dev1.service.pinax.network {
        role secondary
        labels cluster-env=dev
        IPv4 172.100.0.1043
        IPv6 2001:db8:172:100::103
        protocol http
        path /health
        port 8080
    }
  }
}
"""
}
