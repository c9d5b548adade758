import Testing
@testable import ZoneRegistry

@Suite struct DomainNameTests {
    @Test func parsesWithOrWithoutFinalDotAndLowercases() throws {
        let a = try DomainName(parsing: "Service.Example.NET")
        let b = try DomainName(parsing: "service.example.net.")
        #expect(a == b)
        #expect(a.description == "service.example.net.")
        #expect(a.wire == [7] + Array("service".utf8) + [7] + Array("example".utf8) + [3] + Array("net".utf8) + [0])
    }

    @Test func rootParses() throws {
        #expect(try DomainName(parsing: ".").isRoot)
        #expect(try DomainName(parsing: ".").description == ".")
    }

    @Test func rejectsEmptyAndLongLabels() {
        #expect(throws: DomainName.ParseError.emptyLabel) { try DomainName(parsing: "a..b") }
        #expect(throws: DomainName.ParseError.labelTooLong(64)) {
            try DomainName(parsing: String(repeating: "x", count: 64) + ".net")
        }
    }

    @Test func subdomainRespectsLabelBoundaries() throws {
        let zone = try DomainName(parsing: "example.net")
        #expect(try DomainName(parsing: "a.example.net").isSubdomain(of: zone))
        #expect(zone.isSubdomain(of: zone))
        #expect(!(try DomainName(parsing: "badexample.net").isSubdomain(of: zone)))
        #expect(zone.isSubdomain(of: .root))
    }
}

@Suite struct IPAddressTests {
    @Test func ipv4IsStrict() {
        #expect(IPv4Address("127.0.0.11")?.description == "127.0.0.11")
        #expect(IPv4Address("172.100.0.1043") == nil)
        #expect(IPv4Address("1.2.3") == nil)
        #expect(IPv4Address("01.2.3.4") == nil)
        #expect(IPv4Address("256.1.1.1") == nil)
    }

    @Test func ipv6TextForms() {
        #expect(IPv6Address("2001:db8::101")?.description == "2001:db8::101")
        #expect(IPv6Address("::1")?.isLoopback == true)
        #expect(IPv6Address("::")?.description == "::")
        #expect(IPv6Address("::ffff:127.0.0.1")?.description == "::ffff:7f00:1")
        #expect(IPv6Address("2001:DB8:0:0:0:0:0:1")?.description == "2001:db8::1")
        #expect(IPv6Address("1::2::3") == nil)
        #expect(IPv6Address("12345::") == nil)
        #expect(IPv6Address("1:2:3:4:5:6:7:8:9") == nil)
        #expect(IPv6Address("+f::1") == nil)
        #expect(IPv6Address("-0::1") == nil)
        #expect(IPv6Address("１::1") == nil)
    }
}
