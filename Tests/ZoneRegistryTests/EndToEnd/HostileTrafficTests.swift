import Foundation
import Testing
@testable import ZoneRegistry

/// Hostile DNS traffic against the real binary (SPEC §4: "never a crash, never an unbounded
/// allocation, whatever the bytes"; RFC 7766 §6.2 for TCP). Every case is followed by an
/// ordinary `dig` that must still get the right answer. The daemon listens on 127.0.9.1; its
/// one peer (127.0.9.11, nothing listening) is down, so fail-open answers it anyway.
@Suite struct HostileTrafficTests {
    static let host = "127.0.9.1"
    static let corefile = """
        hostile.test:PORT {
            bind 127.0.9.1
            zoneregistry {
                interval 300
                ttl 60
                mode address
                peer app1.hostile.test {
                    ipv4 127.0.9.11
                    protocol tcp
                }
            }
        }
        """

    enum Expect {
        /// RFC 1035 §4.1.1 / SPEC §4: runts and responses get nothing back; over TCP the
        /// connection is closed (RFC 7766 §6.2.4).
        case drop
        case rcode(Rcode)
        /// NOERROR with the peer's address in the answer.
        case address
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        let expect: Expect
        var testDescription: String { name }
    }

    static let query = makeQuery("www.hostile.test", .a)
    static let header = Array(query[0..<12])

    static func withHeader(questions: UInt16 = 1, answers: UInt16 = 0, additional: UInt16 = 0, flags: UInt16 = HeaderFlag.rd) -> [UInt8] {
        be16(0x4242) + be16(flags) + be16(questions) + be16(answers) + be16(0) + be16(additional)
    }

    static func opt(payload: UInt16 = 1232, version: UInt8 = 0, options: [UInt8] = []) -> [UInt8] {
        [0] + be16(RecordType.opt.rawValue) + be16(payload) + [0, version] + be16(0) + be16(UInt16(options.count)) + options
    }

    static let cases: [Case] = [
        Case(name: "empty datagram", bytes: [], expect: .drop),
        Case(name: "11 bytes, shorter than a header", bytes: Array(query[0..<11]), expect: .drop),
        Case(name: "QR=1 (a response)", bytes: makeQuery("www.hostile.test", .a, flags: HeaderFlag.qr), expect: .drop),
        Case(name: "QDCOUNT 0", bytes: withHeader(questions: 0), expect: .rcode(.formErr)),
        Case(name: "QDCOUNT 2", bytes: withHeader(questions: 2) + Array(query[12...]) + Array(query[12...]), expect: .rcode(.formErr)),
        Case(name: "label of 64 bytes", bytes: withHeader() + [64] + [UInt8](repeating: 0x61, count: 64) + [0, 0, 1, 0, 1],
             expect: .rcode(.formErr)),
        Case(name: "name of 256 bytes", bytes: withHeader() + Array(repeating: [63] + [UInt8](repeating: 0x62, count: 63), count: 4).flatMap { $0 }
             + [0, 0, 1, 0, 1], expect: .rcode(.formErr)),
        Case(name: "compression pointer to itself", bytes: withHeader() + [0xc0, 0x0c, 0, 1, 0, 1], expect: .rcode(.formErr)),
        Case(name: "compression pointer loop", bytes: withHeader() + [1, 0x61, 0xc0, 0x0c, 0, 1, 0, 1], expect: .rcode(.formErr)),
        Case(name: "forward compression pointer", bytes: withHeader() + [0xc0, 0x12, 0, 1, 0, 1, 1, 0x61, 0], expect: .rcode(.formErr)),
        // Names after the question are stepped over, never followed: a loop there is harmless.
        Case(name: "pointer loop in the answer section", bytes: withHeader(answers: 1) + Array(query[12...])
             + [1, 0x61, 0xc0, 0x22, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0], expect: .address),
        Case(name: "record running past the end", bytes: withHeader(answers: 1) + Array(query[12...])
             + [0, 0, 1, 0, 1, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3], expect: .rcode(.formErr)),
        Case(name: "truncated question", bytes: Array(query[0..<20]), expect: .rcode(.formErr)),
        Case(name: "unknown opcode 3", bytes: makeQuery("www.hostile.test", .a, flags: 3 << 11), expect: .rcode(.notImp)),
        Case(name: "unknown class 0x1234", bytes: makeQuery("www.hostile.test", .a, qclass: RecordClass(rawValue: 0x1234)),
             expect: .rcode(.refused)),
        Case(name: "ANY", bytes: makeQuery("www.hostile.test", .any), expect: .address),
        Case(name: "EDNS option longer than the OPT RDATA", bytes: withHeader(additional: 1) + Array(query[12...])
             + opt(options: be16(12) + be16(0xfff0) + [0, 0, 0, 0]), expect: .rcode(.formErr)),
        Case(name: "EDNS with a 1,400-byte padding option", bytes: withHeader(additional: 1) + Array(query[12...])
             + opt(payload: 4096, options: be16(12) + be16(1400) + [UInt8](repeating: 0, count: 1400)), expect: .address),
        Case(name: "two OPT records", bytes: withHeader(additional: 2) + Array(query[12...]) + opt() + opt(), expect: .rcode(.formErr)),
        Case(name: "EDNS version 1", bytes: withHeader(additional: 1) + Array(query[12...]) + opt(version: 1),
             expect: .rcode(.badVers)),
    ]

    /// What a normal client gets after the hostile one: the right answer.
    static func expectServing(_ daemon: LoggedDaemon, after what: String, tcp: Bool = false) throws {
        let answer = try Dig.query("www.hostile.test", "A", port: daemon.port, server: host, options: tcp ? ["+tcp"] : [])
        #expect(answer.status == "NOERROR" && answer.answer.map(\.data) == ["127.0.9.11"], "after \(what): \(answer.raw)")
        #expect(daemon.isRunning, "daemon died after \(what)")
    }

    static func check(_ response: [UInt8]?, _ expect: Expect, _ what: String) {
        switch expect {
        case .drop:
            #expect(response == nil, "\(what): expected no response")
        case .rcode(let rcode):
            guard let response, let message = DecodedMessage(response) else {
                Issue.record("\(what): expected \(rcode.rawValue), got \(response.map { "\($0.count) undecodable bytes" } ?? "nothing")")
                return
            }
            let extended = message.opt.map { opt -> UInt16 in
                if case .opt(let ttl) = opt.rdata { return UInt16(ttl >> 24) << 4 }
                return 0
            } ?? 0
            #expect(message.header.isResponse && extended | message.rcode == rcode.rawValue, "\(what): rcode \(message.rcode)")
        case .address:
            let message = response.flatMap(DecodedMessage.init)
            #expect(message?.rcode == 0 && message?.answer.contains { $0.address == "127.0.9.11" } == true, "\(what)")
        }
    }

    @Test func malformedDatagramsAreDroppedOrAnsweredAndServiceContinues() throws {
        let daemon = try LoggedDaemon(corefile: Self.corefile)
        for hostile in Self.cases {
            let response = try udpExchange(hostile.bytes, host: Self.host, port: daemon.port, timeout: 0.3)
            Self.check(response, hostile.expect, "udp \(hostile.name)")
            try Self.expectServing(daemon, after: "udp \(hostile.name)")
        }
        #expect(daemon.stop() == 0)
    }

    @Test func malformedTCPMessagesAreAnsweredOrTheConnectionClosed() throws {
        let daemon = try LoggedDaemon(corefile: Self.corefile)
        for hostile in Self.cases where !hostile.bytes.isEmpty {
            let socket = try RawSocket.tcp(Self.host, daemon.port)
            socket.send(be16(UInt16(hostile.bytes.count)) + hostile.bytes)
            if case .drop = hostile.expect {
                #expect(socket.closedByPeer(within: 1), "tcp \(hostile.name): connection left open")
            } else {
                Self.check(socket.receiveFramed(timeout: 1), hostile.expect, "tcp \(hostile.name)")
            }
            try Self.expectServing(daemon, after: "tcp \(hostile.name)", tcp: true)
        }

        // A zero length prefix frames an empty message: shorter than a header, so dropped.
        let empty = try RawSocket.tcp(Self.host, daemon.port)
        empty.send([0, 0])
        #expect(empty.closedByPeer(within: 1))

        // Two pipelined queries in one segment: two answers, in order (RFC 7766 §6.2.1.1).
        let pipelined = try RawSocket.tcp(Self.host, daemon.port)
        let second = makeQuery("api.hostile.test", .a, id: 0x9999)
        pipelined.send(be16(UInt16(Self.query.count)) + Self.query + be16(UInt16(second.count)) + second)
        let first = pipelined.receiveFramed(timeout: 1).flatMap(DecodedMessage.init)
        let next = pipelined.receiveFramed(timeout: 1).flatMap(DecodedMessage.init)
        #expect(first?.header.id == 0x1234 && next?.header.id == 0x9999)

        // A length prefix promising more than ever comes: the daemon waits for the rest
        // without blocking anyone, and closes at once on end of stream.
        let promised = try RawSocket.tcp(Self.host, daemon.port)
        promised.send(be16(512) + Array(Self.query[0..<20]))
        #expect(promised.receive(timeout: 0.3) == nil)
        try Self.expectServing(daemon, after: "a length prefix larger than what follows", tcp: true)
        promised.shutdownWrite()
        #expect(promised.closedByPeer(within: 1))
        #expect(daemon.stop() == 0)
    }

    /// RFC 7766 §6.2.3/§6.2.2: 1,000 clients that connect and say nothing. At most 256 stay
    /// open (the least recently active is closed for a newcomer), new clients are still served,
    /// and every idle one — including one that trickles a query a byte a second and one whose
    /// length prefix promises more than it sends — is closed after 10 s. The daemon's open
    /// files go back to where they were.
    @Test func idleAndTricklingTCPClientsAreBoundedAndTimedOut() throws {
        let daemon = try LoggedDaemon(corefile: Self.corefile)
        try Self.expectServing(daemon, after: "startup")
        let baseline = daemon.openFiles

        var idle: [RawSocket] = []
        for _ in 0..<1_000 { idle.append(try RawSocket.tcp(Self.host, daemon.port)) }
        try Self.expectServing(daemon, after: "1,000 idle TCP connections", tcp: true)
        try Self.expectServing(daemon, after: "1,000 idle TCP connections")
        let atCap = daemon.openFiles
        #expect(atCap <= baseline + 256 + 2, "open files \(baseline) → \(atCap) with 1,000 idle clients")
        let evicted = idle.filter { $0.closedByPeer(within: 0.01) }.count
        #expect(evicted >= 1_000 - 256, "only \(evicted) of 1,000 idle connections were closed at the cap")

        let started = Date()
        let promised = try RawSocket.tcp(Self.host, daemon.port)
        promised.send(be16(300) + Array(Self.query[0..<10]))
        let trickle = try RawSocket.tcp(Self.host, daemon.port)
        let done = DispatchSemaphore(value: 0)
        let fd = trickle.fd
        let framed = be16(UInt16(Self.query.count)) + Self.query
        Thread.detachNewThread {
            // One byte a second; stops once the daemon has closed the connection.
            for byte in framed {
                let sent = withUnsafeBytes(of: byte) { send(fd, $0.baseAddress, 1, Int32(MSG_NOSIGNAL)) }
                if sent != 1 { break }
                sleep(1)
            }
            done.signal()
        }
        #expect(trickle.closedByPeer(within: 14), "a client trickling a byte a second was never closed")
        let trickleLifetime = Date().timeIntervalSince(started)
        #expect(trickleLifetime >= 9 && trickleLifetime <= 13, "trickling client closed after \(trickleLifetime) s, not ~10 s")
        #expect(promised.closedByPeer(within: 2), "a client with an unfinished message was never closed")
        let remaining = idle.filter { !$0.closedByPeer(within: 0.5) }.count
        #expect(remaining == 0, "\(remaining) idle connections outlived the 10 s idle timeout")
        done.wait()

        try Self.expectServing(daemon, after: "the idle timeout", tcp: true)
        var after = daemon.openFiles
        for _ in 0..<20 where after > baseline {
            usleep(100_000)
            after = daemon.openFiles
        }
        #expect(after == baseline, "open files \(baseline) before, \(after) after")
        #expect(daemon.stop() == 0)
    }

    /// A registry whose delegations are big (~17 KB over TCP): 200 peers with both addresses.
    static var bigCorefile: String {
        var peers = ""
        for index in 1...200 {
            peers += "            peer p\(index).big.test {\n                ipv4 127.0.9.11\n                ipv6 ::1\n"
                + "                protocol tcp\n                port 9\n            }\n"
        }
        return "big.test:PORT {\n    bind 127.0.9.1\n    zoneregistry {\n        interval 300\n\(peers)    }\n}\n"
    }

    /// Resident memory of a process in KiB, from /proc.
    static func residentKiB(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }

    /// CPU time a process has used, in clock ticks, from /proc.
    static func cpuTicks(_ pid: Int32) -> Int {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        return fields.count > 12 ? (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0) : -1
    }

    /// RFC 7766 §6.2.1.1 pipelining from clients that never read their answers: once 256 KiB
    /// of replies wait for such a client, the daemon answers nothing more of what it already
    /// read from it, and soon goes idle. Answering every buffered query regardless queued a
    /// 12 KB delegation for each of 2,000 queries per client: ~10 MB more memory per second
    /// of a fully busy loop, for tens of seconds.
    @Test func pipelinedQueriesFromClientsThatNeverReadAreBounded() throws {
        let daemon = try LoggedDaemon(corefile: Self.bigCorefile)
        let query = makeQuery("www.big.test", .a)
        let framed = be16(UInt16(query.count)) + query
        _ = try tcpExchange(query, host: Self.host, port: daemon.port)
        let before = Self.residentKiB(daemon.pid)
        var clients: [RawSocket] = []
        for _ in 0..<4 {
            let client = try RawSocket.tcp(Self.host, daemon.port)
            client.send(Array((0..<2_000).map { _ in framed }.joined()))    // 60 KB: one read
            clients.append(client)
        }
        // Busy until the kernel's buffers and 256 KiB per client are full, then idle.
        var ticks = Self.cpuTicks(daemon.pid)
        var idle = false
        for _ in 0..<20 where !idle {
            usleep(300_000)
            let now = Self.cpuTicks(daemon.pid)
            idle = now == ticks
            ticks = now
        }
        let after = Self.residentKiB(daemon.pid)
        #expect(idle, "the daemon kept answering clients that do not read")
        #expect(after - before < 32 * 1024, "resident memory \(before) KiB → \(after) KiB with 4 clients not reading")
        let answer = try Dig.query("www.big.test", "A", port: daemon.port, server: Self.host, options: ["+tcp"])
        #expect(answer.status == "NOERROR" && answer.authority.count == 200, "\(answer.raw)")
        clients.removeAll()
        #expect(daemon.stop() == 0)
    }
}
