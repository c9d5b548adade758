/// `health [ADDRESS] { lameduck DURATION }` (default `:8080`, no lameduck).
enum HealthParser {
    static let options = ["lameduck"]
    /// CoreDNS sets no bound; ten minutes is well past any orchestrator's grace period.
    static let lameduckRange = 0...600_000

    private static let shape = DirectiveShape(component: "health")

    static func parse(_ d: Directive, _ diagnostics: inout Diagnostics) -> HealthDirective? {
        var health = HealthDirective()
        guard DirectiveShape(component: nil).atMost(1, d, usage: "health [ADDRESS]", &diagnostics) else { return nil }
        if let token = d.arguments.first {
            guard let address = ConfigValue.httpAddress(token, &diagnostics) else { return nil }
            health.address = address
        }
        var seen = SeenKeywords()
        for option in d.block?.directives ?? [] where seen.isFirst(option, shape, &diagnostics) {
            switch option.keyword {
            case "lameduck":
                if let token = shape.single(option, usage: "lameduck DURATION", &diagnostics),
                   let milliseconds = ConfigValue.duration(token, what: "lameduck", in: lameduckRange, &diagnostics) {
                    health.lameduckMilliseconds = milliseconds
                }
            default:
                shape.unknown(option, kind: "option", known: options, &diagnostics)
            }
        }
        return health
    }
}
