import Foundation
import Testing

/// The masters' pod security (deploy/kubernetes/masters/statefulset.yaml) reproduced without a
/// cluster: a private network namespace (the pod's), the ConfigMap's Corefile with no `bind`
/// (every interface, as in the pod), run as uid/gid 65532 with every capability gone from
/// every set and no_new_privs (`allowPrivilegeEscalation: false`), by util-linux's `unshare`
/// and `setpriv`. With the pod's sysctl `net.ipv4.ip_unprivileged_port_start=53` it serves port
/// 53 and writes the control state file on the state volume; without it the bind is refused,
/// which is why the manifest sets it.
@Suite(.serialized) struct KubernetesPodSecurityEndToEndTests {
    /// The namespace's own loopback: the peers' and masters' addresses moved there, so probes
    /// stay on loopback; nothing else listens in it.
    static func corefile(_ files: MasterPodFiles) throws -> String {
        let corefile = try KubernetesManifest.configMapValue("Corefile", in: "masters/configmap.yaml")
        return try KubernetesManifest.onLoopback(corefile, bind: nil, addresses: [
            "192.0.2.10": "127.0.15.1", "192.0.2.11": "127.0.15.2", "192.0.2.12": "127.0.15.3",
            "198.51.100.10": "127.0.15.11", "203.0.113.10": "127.0.15.12", "198.51.100.20": "127.0.15.13",
            "203.0.113.53": "127.0.15.31", "203.0.113.54": "127.0.15.32",
        ], words: files.paths.merging(["interval 5": "interval 1"]) { $1 })
    }

    static let script = """
        ip link set lo up
        if [ "$SYSCTL" = 1 ]; then echo 53 > /proc/sys/net/ipv4/ip_unprivileged_port_start; fi
        setpriv --reuid 65532 --regid 65532 --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs \\
            "$BINARY" -conf "$CONF" -quiet 2>"$LOG" &
        pid=$!
        for i in $(seq 50); do
            kill -0 $pid 2>/dev/null || break
            [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8181/ready)" = 200 ] && break
            sleep 0.1
        done
        dig @127.0.0.1 service.example.net SOA +norec +time=1 +tries=1 +short
        dig @127.0.0.1 service.example.net SOA +norec +time=1 +tries=1 +tcp +short
        curl -s -o /dev/null -w 'drain %{http_code}\\n' -X PUT -H "Authorization: Bearer $TOKEN" \\
            -d '{"state":"drain","reason":"pod security test"}' http://127.0.0.1:8053/overrides/prod1
        stat -c 'state file owner %u' "$STATE/overrides.json"
        grep -E '^(Uid|Gid|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' /proc/$pid/status
        kill -TERM $pid 2>/dev/null; sleep 0.2; kill -TERM $pid 2>/dev/null
        wait $pid
        echo "exit $?"
        """

    /// Runs the script in a new network namespace; its output and the daemon's stderr.
    static func runInPod(sysctl: Bool) throws -> (output: String, log: String) {
        let files = try MasterPodFiles()
        defer { files.remove() }
        let directory = files.directory
        let conf = directory.appendingPathComponent("Corefile")
        try corefile(files).write(to: conf, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: conf.path)
        let log = directory.appendingPathComponent("stderr.log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["--net", "/bin/sh", "-c", script]
        process.environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "BINARY": DaemonProcess.binary.path, "CONF": conf.path,
                               "LOG": log.path, "SYSCTL": sysctl ? "1" : "0", "POD_NAME": "zoneregistry-1",
                               "TOKEN": try MasterPodFiles.controlToken(), "STATE": files.state.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    @Test func withThePodsSysctlANonRootProcessWithNoCapabilityServesPort53() throws {
        let (output, log) = try Self.runInPod(sysctl: true)
        let soa = "zoneregistry-0.service.example.net. hostmaster.service.example.net."
        #expect(output.components(separatedBy: soa).count - 1 == 2, "UDP and TCP answers:\n\(output)\n\(log)")
        #expect(output.contains(/Uid:\s+65532\s+65532\s+65532\s+65532/), "\(output)")
        let status = Dictionary(output.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: ":", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), parts[1].trimmingCharacters(in: .whitespaces)) : nil
        }, uniquingKeysWith: { first, _ in first })
        for set in ["CapPrm", "CapEff", "CapBnd", "CapAmb"] {
            #expect(status[set] == "0000000000000000", "\(set):\n\(output)")
        }
        #expect(output.contains(/NoNewPrivs:\s+1/))
        // The control API writes its state file on the group-writable state volume as that user.
        #expect(output.contains("drain 200\n") && output.contains("state file owner 65532\n"), "\(output)\n\(log)")
        #expect(output.hasSuffix("exit 0\n"), "\(output)\n\(log)")
    }

    @Test func withoutTheSysctlTheSameProcessCannotBindPort53() throws {
        let (output, log) = try Self.runInPod(sysctl: false)
        #expect(log.contains("port 53: EACCES (permission denied)"), "\(log)")
        #expect(output.hasSuffix("exit 1\n"), "\(output)")
    }
}
