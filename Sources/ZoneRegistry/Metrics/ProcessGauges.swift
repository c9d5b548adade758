/// Resource gauges read at scrape time: the standard `process_open_fds` and
/// `process_resident_memory_bytes` (the names Prometheus client libraries and CoreDNS export,
/// so existing alerts apply), and the loop's handle count. Together they show a leak from
/// outside: each stays flat while peers flap and queries flow (`make soak`).
struct ProcessGauges {
    var openDescriptors: Int?
    var residentBytes: Int?
    var loopHandles: Int

    func render(into text: inout PrometheusText) {
        if let openDescriptors {
            text.family("process_open_fds", .gauge, help: "Number of open file descriptors.")
            text.sample("process_open_fds", [], UInt64(openDescriptors))
        }
        if let residentBytes {
            text.family("process_resident_memory_bytes", .gauge, help: "Resident memory size in bytes.")
            text.sample("process_resident_memory_bytes", [], UInt64(residentBytes))
        }
        text.family("coredns_zoneregistry_loop_handles", .gauge,
                    help: "Handles on the event loop (sockets, timers, signal watchers), open or closing.")
        text.sample("coredns_zoneregistry_loop_handles", [], UInt64(loopHandles))
    }
}
