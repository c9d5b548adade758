/// `zoneregistry ctl`'s human output: aligned columns from the API's JSON.
enum CtlTables {
    static func status(_ object: [String: Any]) -> String {
        var out = ""
        for zone in object["zones"] as? [[String: Any]] ?? [] {
            let names = (zone["names"] as? [String] ?? []).joined(separator: " ")
            out += "zone \(names)  serial \(zone["serial"].map { "\($0)" } ?? "?")  mode \(zone["mode"] as? String ?? "?")\n"
            let quorum = zone["quorum"] as? [String: Any]
            if let quorum { out += quorumLine(quorum) }
            var rows = [["PEER", "ROLE", "STATE", "ANSWERED", "CAUSE", "LATENCY"] + (quorum == nil ? [] : ["VOTES"]) + ["OVERRIDE", "EXPIRES"]]
            for peer in zone["peers"] as? [[String: Any]] ?? [] {
                let override = peer["override"] as? [String: Any]
                let reason = (override?["reason"] as? String).map { $0.isEmpty ? "" : " (\($0))" } ?? ""
                rows.append([
                    peer["peer"] as? String ?? "?", peer["role"] as? String ?? "",
                    peer["state"] as? String ?? "", (peer["answered"] as? Bool ?? false) ? "yes" : "no",
                    peer["cause"] as? String ?? "-",
                    (peer["lastProbeMilliseconds"] as? Int).map { "\($0)ms" } ?? "-",
                ] + (quorum == nil ? [] : [votes(peer["votes"] as? [String: Any], master: quorum?["master"] as? String)]) + [
                    override.map { "\($0["state"] as? String ?? "")\(reason)" } ?? "auto",
                    override?["expiresAt"] as? String ?? "-",
                ])
            }
            out += table(rows) + "\n"
        }
        return out
    }

    /// `quorum 2 of 3 masters fresh (this master ns1.example.; ns3.example. stale: timeout)`.
    private static func quorumLine(_ quorum: [String: Any]) -> String {
        let fresh = quorum["fresh"] as? Int ?? 0
        let stale = quorum["stale"] as? Int ?? 0
        var parts = ["this master \(quorum["master"] as? String ?? "?")"]
        for fellow in quorum["fellows"] as? [[String: Any]] ?? [] where fellow["state"] as? String == "stale" {
            parts.append("\(fellow["master"] as? String ?? "?") stale" + ((fellow["problem"] as? String).map { ": \($0)" } ?? ""))
        }
        let alone = quorum["alone"] as? Bool == true ? "  ALONE: answering from this master's own probes" : ""
        return "quorum \(fresh) of \(fresh + stale) masters fresh (\(parts.joined(separator: "; ")))\(alone)\n"
    }

    /// `2/3 up (ns2.example. down)`: the count, and the masters that voted against the majority
    /// or not at all (this master named `self`).
    private static func votes(_ votes: [String: Any]?, master: String?) -> String {
        guard let votes else { return "-" }
        let up = votes["up"] as? Int ?? 0
        let down = votes["down"] as? Int ?? 0
        let majority = 2 * up >= up + down ? "up" : "down"
        let others = (votes["by"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }
            .filter { $0.value != majority }
            .map { "\($0.key == master ? "self" : $0.key) \($0.value)" }
        return "\(up)/\(up + down) up" + (others.isEmpty ? "" : " (\(others.joined(separator: ", ")))")
    }

    static func change(_ object: [String: Any]) -> String {
        let peers = object["peers"] as? [String] ?? []
        return peers.map { "\($0) \(object["state"] as? String ?? "")\n" }.joined()
    }

    static func explanation(_ object: [String: Any]) -> String {
        var out = "\(object["name"] as? String ?? "") \(object["type"] as? String ?? ""): \(object["rcode"] as? String ?? "")"
        out += "  (\(object["kind"] as? String ?? "")\((object["zone"] as? String).map { " in \($0)" } ?? ""))\n"
        for record in (object["answer"] as? [String] ?? []) + (object["authority"] as? [String] ?? []) { out += "  \(record)\n" }
        var rows = [["PEER", "", "WHY"]]
        for peer in object["answering"] as? [[String: Any]] ?? [] {
            rows.append([peer["peer"] as? String ?? "", "in", peer["why"] as? String ?? ""])
        }
        for peer in object["leftOut"] as? [[String: Any]] ?? [] {
            rows.append([peer["peer"] as? String ?? "", "out", "\(peer["reason"] as? String ?? ""): \(peer["detail"] as? String ?? "")"])
        }
        if rows.count > 1 { out += table(rows) }
        if let note = object["note"] as? String { out += "note: \(note)\n" }
        return out
    }

    static func table(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
