import Foundation
import Testing

/// SPEC §4 row by row, against the real binary, asked with `dig` as an operator would.
/// The three peers are real health endpoints on 127.0.1.11–13, healthy throughout.
@Suite(.serialized) final class AnswerEndToEndTests {
    let peers: [PeerProcess]

    init() throws {
        peers = try ["127.0.1.11", "127.0.1.12", "127.0.1.13"].map { try PeerProcess(address: $0) }
    }

    static func corefile(mode: String, extra: String = "", peers: String = AnswerEndToEndTests.threePeers) -> String {
        """
        example.test:PORT {
            bind 127.0.0.1
            zoneregistry {
                interval 300
                ttl 60
                mode \(mode)
                ns ns1.example.test 127.0.0.1 ::1
        \(extra)
        \(peers)
            }
        }
        """
    }

    static let threePeers = """
                peer prod1.example.test {
                    role primary
                    labels cluster-env=prod
                    ipv4 127.0.1.11
                    protocol tcp
                }
                peer prod2.example.test {
                    role primary
                    labels cluster-env=prod
                    ipv4 127.0.1.12
                    ipv6 ::1
                    protocol tcp
                }
                peer dev1.example.test {
                    role secondary
                    labels cluster-env=dev
                    ipv4 127.0.1.13
                    protocol tcp
                }
        """

    @Test func apexSOAIsAuthoritativeWithFirstNameServerAndHostmaster() throws {
        let daemon = try DaemonProcess(corefile: Self.corefile(mode: "delegate"))
        let answer = try Dig.query("example.test", "SOA", port: daemon.port)
        #expect(answer.status == "NOERROR")
        #expect(answer.isAuthoritative)
        #expect(answer.answer.count == 1)
        let soa = try #require(answer.answer.first)
        #expect(soa.type == "SOA")
        #expect(soa.ttl == 60)
        let fields = soa.data.split(separator: " ")
        #expect(fields[0] == "ns1.example.test.")
        #expect(fields[1] == "hostmaster.example.test.")
        #expect(fields[3...].joined(separator: " ") == "7200 1800 86400 60")
    }

    @Test func apexSOADefaultsToNs1WhenNoNameServerIsConfigured() throws {
        let daemon = try DaemonProcess(corefile: Self.corefile(mode: "delegate").replacingOccurrences(of: "ns ns1.example.test 127.0.0.1 ::1", with: ""))
        let soa = try Dig.query("example.test", "SOA", port: daemon.port)
        #expect(soa.answer.first?.data.hasPrefix("ns1.example.test. hostmaster.example.test.") == true)
        let ns = try Dig.query("example.test", "NS", port: daemon.port)
        #expect(ns.status == "NOERROR")
        #expect(ns.answer.isEmpty)
        #expect(ns.authority.map(\.type) == ["SOA"])
    }

    @Test func apexNSListsNameServersWithGlue() throws {
        let daemon = try DaemonProcess(corefile: Self.corefile(mode: "delegate"))
        let answer = try Dig.query("example.test", "NS", port: daemon.port)
        #expect(answer.isAuthoritative)
        #expect(answer.answer.map(\.data) == ["ns1.example.test."])
        #expect(Set(answer.additional.map { "\($0.type) \($0.data)" }) == ["A 127.0.0.1", "AAAA ::1"])
    }

    @Test func apexAddressIsSelectedPeersInAddressModeAndNoDataOtherwise() throws {
        let address = try DaemonProcess(corefile: Self.corefile(mode: "address"))
        let a = try Dig.query("example.test", "A", port: address.port)
        #expect(a.isAuthoritative)
        #expect(Set(a.answer.map(\.data)) == ["127.0.1.11", "127.0.1.12"])
        let delegate = try DaemonProcess(corefile: Self.corefile(mode: "delegate"))
        let none = try Dig.query("example.test", "A", port: delegate.port)
        #expect(none.status == "NOERROR")
        #expect(none.answer.isEmpty)
        #expect(none.authority.map(\.type) == ["SOA"])
    }

    @Test func nameServerNameAnswersItsAddresses() throws {
        let daemon = try DaemonProcess(corefile: Self.corefile(mode: "delegate"))
        let a = try Dig.query("ns1.example.test", "A", port: daemon.port)
        #expect(a.isAuthoritative)
        #expect(a.answer.map(\.data) == ["127.0.0.1"])
        let aaaa = try Dig.query("ns1.example.test", "AAAA", port: daemon.port)
        #expect(aaaa.answer.map(\.data) == ["::1"])
    }

    @Test(arguments: ["delegate", "address", "cname"])
    func peerHostAndNamesBelowItAreReferredToThePeer(mode: String) throws {
        let daemon = try DaemonProcess(corefile: Self.corefile(mode: mode))
        for name in ["prod2.example.test", "www.prod2.example.test"] {
            let answer = try Dig.query(name, "A", port: daemon.port)
            #expect(answer.status == "NOERROR")
            #expect(!answer.isAuthoritative)
            #expect(answer.answer.isEmpty)
            #expect(answer.authority.map(\.description) == ["prod2.example.test. 60 NS prod2.example.test."])
            #expect(Set(answer.additional.map(\.description)) == ["prod2.example.test. 60 A 127.0.1.12", "prod2.example.test. 60 AAAA ::1"])
        }
    }

    @Test func serviceNameIsDelegatedToHealthyPrimariesWithGlue() throws {
        let daemon = try DaemonProcess(corefile: Self.corefile(mode: "delegate"))
        let answer = try Dig.query("www.app.example.test", "A", port: daemon.port)
        #expect(answer.status == "NOERROR")
        #expect(!answer.isAuthoritative)
        #expect(answer.answer.isEmpty)
        #expect(Set(answer.authority.map(\.description)) == ["app.example.test. 60 NS prod1.example.test.", "app.example.test. 60 NS prod2.example.test."])
        #expect(Set(answer.additional.map(\.description)) == [
            "prod1.example.test. 60 A 127.0.1.11", "prod2.example.test. 60 A 127.0.1.12", "prod2.example.test. 60 AAAA ::1",
        ])
    }

    @Test func serviceNameInAddressModeAnswersPrimaryAddresses() throws {
        let daemon = try DaemonProcess(corefile: Self.corefile(mode: "address"))
        let a = try Dig.query("app.example.test", "A", port: daemon.port)
        #expect(a.isAuthoritative)
        #expect(Set(a.answer.map(\.description)) == ["app.example.test. 60 A 127.0.1.11", "app.example.test. 60 A 127.0.1.12"])
        let aaaa = try Dig.query("app.example.test", "AAAA", port: daemon.port)
        #expect(aaaa.answer.map(\.description) == ["app.example.test. 60 AAAA ::1"])
    }

    @Test func serviceNameInCNAMEModePointsIntoTheFirstSelectedPeer() throws {
        let daemon = try DaemonProcess(corefile: Self.corefile(mode: "cname"))
        let answer = try Dig.query("www.app.example.test", "A", port: daemon.port)
        #expect(answer.isAuthoritative)
        let record = try #require(answer.answer.first)
        #expect(answer.answer.count == 1)
        #expect(record.type == "CNAME")
        #expect(["www.app.prod1.example.test.", "www.app.prod2.example.test."].contains(record.data))
    }

    @Test func otherTypesAtAServiceNameAreNoDataWithSOA() throws {
        let daemon = try DaemonProcess(corefile: Self.corefile(mode: "address"))
        let answer = try Dig.query("app.example.test", "MX", port: daemon.port)
        #expect(answer.status == "NOERROR")
        #expect(answer.isAuthoritative)
        #expect(answer.answer.isEmpty)
        #expect(answer.authority.map(\.type) == ["SOA"])
        #expect(answer.authority.first?.name == "example.test.")
    }

    @Test func namesOutsideTheZoneAreRefused() throws {
        let daemon = try DaemonProcess(corefile: Self.corefile(mode: "delegate"))
        #expect(try Dig.query("example.org", "A", port: daemon.port).status == "REFUSED")
        #expect(try Dig.query("test", "SOA", port: daemon.port).status == "REFUSED")
    }

    @Test func addressAnswersRotateRoundRobin() throws {
        let daemon = try DaemonProcess(corefile: Self.corefile(mode: "address"))
        let first = try Dig.query("app.example.test", "A", port: daemon.port).answer.map(\.data)
        let second = try Dig.query("app.example.test", "A", port: daemon.port).answer.map(\.data)
        #expect(Set(first) == Set(second))
        #expect(first != second)
    }

    @Test func selectLabelsNarrowThePeers() throws {
        let daemon = try DaemonProcess(corefile: Self.corefile(mode: "address", extra: "        select cluster-env=dev"))
        let answer = try Dig.query("app.example.test", "A", port: daemon.port)
        #expect(answer.answer.map(\.data) == ["127.0.1.13"])
    }

    @Test func queryCaseIsKeptInOwnerNames() throws {
        let daemon = try DaemonProcess(corefile: Self.corefile(mode: "address"))
        let answer = try Dig.query("App.Example.TEST", "A", port: daemon.port)
        #expect(answer.answer.allSatisfy { $0.name == "App.Example.TEST." })
        #expect(answer.answer.count == 2)
        // Asked again in other cases the answer comes from the stored template of the first
        // one: it must still name the question as each client spelled it (0x20 resolvers).
        for spelling in ["app.example.test", "APP.EXAMPLE.TEST", "aPp.eXaMpLe.TeSt"] {
            for options in [[String](), ["+dnssec"], ["+tcp"]] {
                let again = try Dig.query(spelling, "A", port: daemon.port, options: options)
                #expect(again.answer.map(\.name) == [spelling + ".", spelling + "."], "\(spelling) \(options)")
            }
        }
    }

    @Test func tcpAnswersMatchUDP() throws {
        let daemon = try DaemonProcess(corefile: Self.corefile(mode: "delegate"))
        let udp = try Dig.query("www.app.example.test", "A", port: daemon.port)
        let tcp = try Dig.query("www.app.example.test", "A", port: daemon.port, options: ["+tcp"])
        #expect(tcp.status == "NOERROR")
        #expect(Set(tcp.authority.map(\.description)) == Set(udp.authority.map(\.description)))
        #expect(Set(tcp.additional.map(\.description)) == Set(udp.additional.map(\.description)))
    }

    @Test func ednsIsEchoedWithOurPayloadSizeAndHigherVersionsGetBADVERS() throws {
        let daemon = try DaemonProcess(corefile: Self.corefile(mode: "delegate"))
        let answer = try Dig.query("example.test", "SOA", port: daemon.port)
        #expect(answer.ednsVersion == 0)
        #expect(answer.ednsUDPSize == 1232)
        let badvers = try Dig.query("example.test", "SOA", port: daemon.port, options: ["+edns=1", "+noednsnegotiation"])
        #expect(badvers.status == "BADVERS")
    }

    @Test func bigReferralsDropGlueThenTruncateOverUDP() throws {
        // Every peer shares the healthy endpoint on 127.0.1.11, so all of them are selected.
        func peers(_ count: Int) -> String {
            (1...count).map { "        peer p\($0).example.test {\n            ipv4 127.0.1.11\n            protocol tcp\n        }" }.joined(separator: "\n")
        }
        let medium = try DaemonProcess(corefile: Self.corefile(mode: "delegate", peers: peers(20)))
        let dropped = try Dig.query("app.example.test", "A", port: medium.port, options: ["+bufsize=512"])
        #expect(!dropped.isTruncated)
        #expect(dropped.authority.count == 20)
        #expect(dropped.additional.count < 20)
        let full = try Dig.query("app.example.test", "A", port: medium.port, options: ["+tcp"])
        #expect(full.additional.count == 20)

        let large = try DaemonProcess(corefile: Self.corefile(mode: "delegate", peers: peers(40)))
        let truncated = try Dig.query("app.example.test", "A", port: large.port, options: ["+bufsize=512", "+ignore"])
        #expect(truncated.isTruncated)
        let overTCP = try Dig.query("app.example.test", "A", port: large.port, options: ["+tcp"])
        #expect(!overTCP.isTruncated)
        #expect(overTCP.authority.count == 40)
    }

    @Test func headerOnlyQueryIsFormErrAndOtherOpcodesNotImp() throws {
        let daemon = try DaemonProcess(corefile: Self.corefile(mode: "delegate"))
        #expect(try Dig.query("example.test", "SOA", port: daemon.port, options: ["+header-only"]).status == "FORMERR")
        #expect(try Dig.query("example.test", "SOA", port: daemon.port, options: ["+opcode=2"]).status == "NOTIMP")
    }
}
