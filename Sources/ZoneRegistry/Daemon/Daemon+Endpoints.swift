/// The HTTP endpoints of a configuration (`health`, `ready`, `prometheus`): one server per
/// address, several directives sharing it add routes. Opened before anything is switched.
extension Daemon {
    struct PendingEndpoints {
        var routes: [HTTPListenAddress: [String: HTTPServer.Route]]
        var opened: [HTTPListenAddress: HTTPServer]

        func abandon() {
            opened.values.forEach { $0.close() }
        }
    }

    func prepareEndpoints(for configuration: Configuration, control: OperatorControl?) throws(LoopError) -> PendingEndpoints {
        var routes: [HTTPListenAddress: [String: HTTPServer.Route]] = [:]
        for server in configuration.servers {
            if let health = server.health {
                routes[health.address, default: [:]]["/health"] = .get { .text(200, "OK") }
            }
            if let ready = server.ready {
                routes[ready, default: [:]]["/ready"] = .get { [unowned self] in self.readiness() }
            }
            if let prometheus = server.prometheus {
                routes[prometheus, default: [:]]["/metrics"] = .get { [unowned self] in self.metricsResponse() }
            }
            if let directive = server.control, let control {
                routes[directive.address, default: [:]].merge(control.routes) { $1 }
            }
        }
        var pending = PendingEndpoints(routes: routes, opened: [:])
        do {
            for address in routes.keys where httpServers[address] == nil {
                pending.opened[address] = try HTTPServer(loop: loop, address: address)
            }
        } catch {
            pending.abandon()
            throw error
        }
        return pending
    }

    func commit(_ pending: PendingEndpoints) {
        for (address, server) in httpServers where pending.routes[address] == nil {
            server.close()
            httpServers[address] = nil
        }
        httpServers.merge(pending.opened) { $1 }
        for (address, routes) in pending.routes {
            httpServers[address]?.routes = routes
        }
    }

    /// CoreDNS's `ready`: 200 once every registry has a verdict for every peer, 503 before
    /// that and during lameduck.
    private func readiness() -> HTTPResponse {
        if inLameduck { return .text(503, "lameduck\n") }
        let waiting = monitors.filter { !$0.firstRoundDone }.compactMap { $0.registry.config.zones.first?.description }
        return waiting.isEmpty ? .text(200, "OK") : .text(503, "probing \(waiting.joined(separator: ", "))\n")
    }

    private func metricsResponse() -> HTTPResponse {
        var text = PrometheusText(capacity: lastMetricsSize + lastMetricsSize / 8)
        peerGauges.render(monitors: monitors, into: &text)
        QuorumGauges.render(exchanges: exchanges, into: &text)
        OverrideGauges.render(registries: monitors.map(\.registry), into: &text)
        probeMetrics.render(into: &text)
        metrics.render(into: &text)
        transfers.render(into: &text)
        text.family("coredns_build_info", .gauge, help: "A metric with a constant '1' value labeled by version.")
        text.sample("coredns_build_info", [("version", ZoneRegistryCommand.version)], 1 as UInt64)
        ProcessGauges(openDescriptors: loop.openDescriptorCount, residentBytes: loop.residentMemoryBytes,
                      loopHandles: loop.activeHandleCount).render(into: &text)
        let body = text.takeBytes()
        lastMetricsSize = body.count
        return HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: body)
    }
}
