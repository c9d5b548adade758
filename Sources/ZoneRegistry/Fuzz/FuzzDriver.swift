#if FUZZING
import CFuzzing
import Foundation

/// The libFuzzer entry of a `make fuzz` build (`-sanitize=fuzzer,address -DFUZZING`): the
/// binary runs libFuzzer instead of the daemon, on the target named by `ZR_FUZZ_TARGET`
/// (`dns`, `corefile`, `http-request`, `http-status`). Arguments are libFuzzer's.
enum FuzzDriver {
    static func run() -> Never {
        guard let name = ProcessInfo.processInfo.environment["ZR_FUZZ_TARGET"], FuzzTarget(rawValue: name) != nil else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("zoneregistry fuzz build: set ZR_FUZZ_TARGET to one of \(names)\n".utf8))
            exit(2)
        }
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
    }
}

/// libFuzzer calls back on the thread that called `LLVMFuzzerRunDriver`: the main thread.
@MainActor private let checker: any FuzzChecker = {
    let name = ProcessInfo.processInfo.environment["ZR_FUZZ_TARGET"] ?? ""
    return (FuzzTarget(rawValue: name) ?? .dns).makeChecker()
}()

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    // The address crosses into the main actor as a plain integer: a pointer is not Sendable.
    let address = Int(bitPattern: data)
    MainActor.assumeIsolated {
        let input = UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: address), count: address == 0 ? 0 : size)
        do {
            try checker.check(input)
        } catch {
            fatalError("fuzz invariant broken: \(error)")
        }
    }
    return 0
}
#endif
