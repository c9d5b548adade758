/// DNS listeners of a configuration: opened before anything is switched, then committed.
extension Daemon {
    struct PendingListeners {
        var plans: [(key: ListenerKey, responder: QueryResponder, observer: QueryObserver)]
        var openedUDP: [ListenerKey: UDPListener]
        var openedTCP: [ListenerKey: TCPListener]
    }

    /// Opens the sockets the configuration adds; on failure closes them and throws.
    func prepareListeners(for blocks: [ServerBlock]) throws(LoopError) -> PendingListeners {
        let wanted = Configuration.listenerZones(blocks: blocks)
        var pending = PendingListeners(plans: [], openedUDP: [:], openedTCP: [:])
        for (key, zones) in wanted.sorted(by: { $0.key.description < $1.key.description }) {
            pending.plans.append((key, QueryResponder(zones: zones),
                                  QueryObserver(metrics: metrics, server: key.serverLabel, zones: zones, logger: logger)))
        }
        do {
            for plan in pending.plans where udpListeners[plan.key] == nil {
                pending.openedUDP[plan.key] = try UDPListener(loop: loop, host: plan.key.host, port: plan.key.port, responder: plan.responder)
                pending.openedTCP[plan.key] = try TCPListener(loop: loop, host: plan.key.host, port: plan.key.port, responder: plan.responder)
            }
        } catch {
            pending.openedUDP.values.forEach { $0.close() }
            pending.openedTCP.values.forEach { $0.close() }
            throw error
        }
        return pending
    }

    /// Switches every kept listener to the new answers, adds the new ones, closes the dropped.
    func commit(_ pending: PendingListeners) {
        let wanted = Set(pending.plans.map(\.key))
        for (key, listener) in udpListeners where !wanted.contains(key) {
            listener.close()
            udpListeners[key] = nil
        }
        for (key, listener) in tcpListeners where !wanted.contains(key) {
            listener.close()
            tcpListeners[key] = nil
        }
        udpListeners.merge(pending.openedUDP) { $1 }
        tcpListeners.merge(pending.openedTCP) { $1 }
        for plan in pending.plans {
            udpListeners[plan.key]?.responder = plan.responder
            udpListeners[plan.key]?.observer = plan.observer
            tcpListeners[plan.key]?.responder = plan.responder
            tcpListeners[plan.key]?.observer = plan.observer
        }
    }
}
