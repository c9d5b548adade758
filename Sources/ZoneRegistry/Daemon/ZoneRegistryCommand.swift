import ArgumentParser

/// The command line: CoreDNS's single-dash flags (SPEC §8).
struct ZoneRegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "zoneregistry")

    func run() throws {}
}
