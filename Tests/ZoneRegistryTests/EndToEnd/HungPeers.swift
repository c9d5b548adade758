import Foundation

/// Many cluster gateways that hang: one process (`Tests/Fixtures/silent-peers.py`) listening on
/// port 8080 of `count` consecutive loopback addresses and never answering, so every probe of
/// them runs into its timeout. Killed (SIGKILL) when dropped.
final class HungPeers {
    let addresses: [String]
    private let process = Process()

    /// `first` is an IPv4 address whose last byte leaves room for `count` addresses.
    init(first: String, count: Int, port: Int = 8080) throws {
        let octets = first.split(separator: ".").compactMap { Int($0) }
        precondition(octets.count == 4 && octets[3] + count <= 256, "addresses must stay in one /24")
        addresses = (0..<count).map { "\(octets[0]).\(octets[1]).\(octets[2]).\(octets[3] + $0)" }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", DaemonProcess.packageRoot.appendingPathComponent("Tests/Fixtures/silent-peers.py").path,
                             "--first", first, "--count", String(count), "--port", String(port)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("ready") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { throw PeerProcess.PeerError.didNotStart(first) }
            text += String(decoding: data, as: UTF8.self)
        }
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
