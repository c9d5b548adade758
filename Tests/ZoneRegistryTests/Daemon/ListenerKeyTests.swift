import Testing
@testable import ZoneRegistry

/// The `server` label must read as CoreDNS's, or existing dashboards and alerts stop matching.
@Suite struct ListenerKeyTests {
    @Test(arguments: [
        (ListenHost.v4(IPv4Address("127.0.0.1")!), "dns://127.0.0.1:53"),
        (ListenHost.v6(IPv6Address("::1")!), "dns://[::1]:53"),
        (ListenHost.wildcards[0], "dns://:53"),
        (ListenHost.wildcards[1], "dns://:53"),
    ])
    func serverLabelIsCoreDNSs(host: ListenHost, label: String) {
        #expect(ListenerKey(host: host, port: 53).serverLabel == label)
    }
}
