import Testing
@testable import ZoneRegistry

/// Answers from templates must be byte for byte what the general path writes: two responders
/// on twin registries, one with templates and one without, get the same queries and health
/// changes in the same order.
@Suite struct TemplateAnswerTests {
    struct Twin {
        let fast: Harness
        let general: Harness

        init(mode: AnswerMode, peers: [PeerConfig] = standardPeers, failOpen: Bool = true,
             fallthroughZones: [String]? = nil, whoami: Bool = false) {
            func harness(_ templates: Bool) -> Harness {
                let config = registryConfig(mode: mode, peers: peers, nameServers: [standardNameServer],
                                            failOpen: failOpen, fallthroughZones: fallthroughZones)
                let registry = Registry(config: config, serial: 2024, previous: nil)
                let block = ServerBlock(config: blockConfig([zoneText], whoami: whoami, registry: config),
                                        registry: registry)
                return Harness(zones: [(zone: zoneText, block: block)], usesTemplates: templates)
            }
            fast = harness(true)
            general = harness(false)
        }

        func setHealth(_ health: PeerHealth, ofPeerAt index: Int) {
            fast.registry!.setHealth(health, ofPeerAt: index)
            general.registry!.setHealth(health, ofPeerAt: index)
        }

        /// Sends `query` to both; returns the template path's response after comparing.
        @discardableResult
        func expectSame(_ query: [UInt8], transport: Transport = .udp,
                        sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [UInt8] {
            let (fastOutcome, fastBytes) = fast.raw(query, transport: transport)
            let (generalOutcome, generalBytes) = general.raw(query, transport: transport)
            #expect(fastBytes == generalBytes, "query \(query)", sourceLocation: sourceLocation)
            #expect(fastOutcome.zoneIndex == generalOutcome.zoneIndex
                    && fastOutcome.registryZoneIndex == generalOutcome.registryZoneIndex
                    && fastOutcome.rcode == generalOutcome.rcode && fastOutcome.qtype == generalOutcome.qtype
                    && fastOutcome.qnameLength == generalOutcome.qnameLength
                    && fastOutcome.ednsPayloadSize == generalOutcome.ednsPayloadSize
                    && fastOutcome.dnssecOK == generalOutcome.dnssecOK,
                    "outcome for \(query)", sourceLocation: sourceLocation)
            return fastBytes
        }
    }

    static let names = [
        "service.example.net", "SERVICE.Example.NET", "app.service.example.net", "App.Service.Example.Net",
        "a.b.app.service.example.net", "p1.service.example.net", "www.P1.service.example.net",
        "ns.service.example.net", "NS.service.example.net", "other.example.org", "example.net",
    ]
    static let types: [RecordType] = [.a, .aaaa, .any, .soa, .ns, .mx, .ds, .txt, .cname, .axfr]
    static let ednsVariants: [EDNS.Request?] = [
        nil, EDNS.Request(payloadSize: 512, version: 0, dnssecOK: false),
        EDNS.Request(payloadSize: 4096, version: 0, dnssecOK: true),
        EDNS.Request(payloadSize: 1232, version: 1, dnssecOK: false),
    ]

    func sweep(_ twin: Twin, rounds: Int = 3) {
        for _ in 0..<rounds {
            for qname in Self.names {
                for qtype in Self.types {
                    for edns in Self.ednsVariants {
                        twin.expectSame(makeQuery(qname, qtype, edns: edns))
                    }
                    twin.expectSame(makeQuery(qname, qtype, qclass: .any))
                    twin.expectSame(makeQuery(qname, qtype, qclass: .chaos))
                    twin.expectSame(makeQuery(qname, qtype), transport: .tcp)
                }
            }
        }
    }

    @Test(arguments: [AnswerMode.address, .delegate, .cname])
    func templatesAnswerLikeTheGeneralPath(mode: AnswerMode) {
        let twin = Twin(mode: mode)
        sweep(twin)
        #expect(twin.fast.responder.templateAnswers > 500)
        #expect(twin.general.responder.templateAnswers == 0)
    }

    @Test func healthChangesReplaceTemplates() {
        let twin = Twin(mode: .address, failOpen: false)
        sweep(twin, rounds: 2)
        twin.setHealth(.down, ofPeerAt: 0)
        sweep(twin, rounds: 2)
        twin.setHealth(.down, ofPeerAt: 1)          // only the secondary is left
        sweep(twin, rounds: 2)
        twin.setHealth(.down, ofPeerAt: 2)          // nobody: SERVFAIL
        sweep(twin, rounds: 2)
        for index in 0..<3 { twin.setHealth(.up, ofPeerAt: index) }
        sweep(twin, rounds: 2)
    }

    @Test func rotationContinuesAcrossBothPaths() throws {
        let twin = Twin(mode: .address)
        var firsts: [UInt8] = []
        for _ in 0..<6 {
            let bytes = twin.expectSame(makeQuery("app.service.example.net", .a))
            let message = try #require(DecodedMessage(bytes))
            firsts.append(message.answer.first.flatMap { $0.address }.map { UInt8($0.split(separator: ".").last!)! } ?? 0)
        }
        // Round-robin over p1, p2 (s1 is a secondary): the first address alternates.
        #expect(firsts == [1, 2, 1, 2, 1, 2])
    }

    @Test func answersTooLargeForTheQueryGoToTheGeneralPath() {
        let many = (1...60).map { index in
            peer("p\(index).service.example.net", .primary, v4: "192.0.2.\(index)", v6: "2001:db8::\(index)")
        }
        let twin = Twin(mode: .address, peers: many)
        for _ in 0..<3 {
            for edns in Self.ednsVariants {
                twin.expectSame(makeQuery("app.service.example.net", .a, edns: edns))
                twin.expectSame(makeQuery("app.service.example.net", .aaaa, edns: edns))
            }
            twin.expectSame(makeQuery("app.service.example.net", .any), transport: .tcp)
        }
        let delegate = Twin(mode: .delegate, peers: many)
        for _ in 0..<3 { delegate.expectSame(makeQuery("app.service.example.net", .a)) }
    }

    @Test func anAnswerTooLargeForATemplateIsTriedOncePerSerial() {
        let many = (1...60).map { index in peer("p\(index).service.example.net", .primary, v4: "192.0.2.\(index)") }
        let twin = Twin(mode: .address, peers: many)
        let query = makeQuery("app.service.example.net", .a, edns: EDNS.Request(payloadSize: 1232, version: 0, dnssecOK: false))
        for _ in 0..<10 { twin.expectSame(query) }
        #expect(twin.fast.responder.templateWrites == 1)
        #expect(twin.fast.responder.templateAnswers == 0)
        twin.setHealth(.down, ofPeerAt: 0)          // a new serial: one more attempt
        for _ in 0..<10 { twin.expectSame(query) }
        #expect(twin.fast.responder.templateWrites == 2)
        let few = Twin(mode: .address)
        for _ in 0..<10 { few.expectSame(query) }
        #expect(few.fast.responder.templateWrites == 1)
        #expect(few.fast.responder.templateAnswers == 9)
    }

    @Test func fallthroughAndWhoamiAreNeverTemplated() {
        let twin = Twin(mode: .address, failOpen: false, fallthroughZones: [], whoami: true)
        for index in 0..<3 { twin.setHealth(.down, ofPeerAt: index) }
        for _ in 0..<3 {
            twin.expectSame(makeQuery("app.service.example.net", .a))
            twin.expectSame(makeQuery("service.example.net", .txt))
        }
        #expect(twin.fast.responder.templateAnswers == 0)
    }

    @Test func manyQuestionsShareTheTableWithoutMixingUp() {
        let twin = Twin(mode: .delegate)
        for round in 0..<3 {
            for index in 0..<3_000 {
                twin.expectSame(makeQuery("s\(index).service.example.net", index % 2 == 0 ? .a : .aaaa,
                                          id: UInt16(truncatingIfNeeded: index + round)))
            }
        }
        #expect(twin.fast.responder.templateAnswers > 0)
    }
}
