import Foundation
import Testing
@testable import ZoneRegistry

/// Every committed fuzz input — the seed corpora and the inputs that once broke an invariant
/// (`Tests/Fuzz/regressions/<target>/`) — replayed through the fuzz targets' own checks in an
/// ordinary build, so a crash found by `make fuzz` stays fixed without libFuzzer.
@Suite struct FuzzCorpusReplayTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func inputs(_ target: FuzzTarget) -> [URL] {
        ["corpus", "regressions"].flatMap { kind in
            let directory = fuzzDirectory.appendingPathComponent(kind).appendingPathComponent(target.rawValue)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            return names.sorted().map { directory.appendingPathComponent($0) }
        }
    }

    @Test(arguments: FuzzTarget.allCases)
    func committedInputsKeepEveryInvariant(_ target: FuzzTarget) throws {
        let inputs = Self.inputs(target)
        #expect(!inputs.isEmpty, "no seed corpus for \(target.rawValue)")
        let checker = target.makeChecker()
        for url in inputs {
            let bytes = [UInt8](try Data(contentsOf: url))
            let result = bytes.withUnsafeBytes { input in Result { () throws(FuzzViolation) in try checker.check(input) } }
            if case .failure(let violation) = result {
                Issue.record("\(target.rawValue)/\(url.lastPathComponent): \(violation)")
            }
        }
    }
}
