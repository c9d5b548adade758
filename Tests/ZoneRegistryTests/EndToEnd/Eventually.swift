import Foundation

/// Polls `condition` every `every` seconds until it holds or `seconds` have passed; returns
/// whether it held. Health changes take up to a probe interval plus a timeout to show, so
/// every wait in these tests is bounded by what the configuration promises.
@discardableResult
func eventually(within seconds: Double, every: Double = 0.1, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while true {
        if try condition() { return true }
        if Date() >= deadline { return false }
        Thread.sleep(forTimeInterval: every)
    }
}
