import Foundation

/// `GET /`: the status page, server-rendered HTML with a little CSS and no script. It reloads
/// itself every `refreshSeconds` (`<meta http-equiv="refresh">`), so a wall screen follows
/// drains and failures. Every text from configuration or requests is escaped.
enum StatusPage {
    static let refreshSeconds = 3

    static func render(_ report: StatusReport) -> [UInt8] {
        var html = HTMLText()
        html.raw("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="refresh" content="\(refreshSeconds)">
            <title>zoneregistry status</title>
            <style>\(style)</style></head><body>
            <h1>zoneregistry \(report.version)</h1>

            """)
        html.raw("<p class=\"meta\">as of ")
        html.text(iso(report.time))
        html.raw(" · refreshes every \(refreshSeconds) s · JSON at <a href=\"/status\">/status</a></p>\n")
        for zone in report.zones { render(zone, now: report.time, into: &html) }
        html.raw("</body></html>\n")
        return html.bytes
    }

    private static func render(_ zone: StatusReport.Zone, now: Date, into html: inout HTMLText) {
        html.raw("<section class=\"zone\" data-zone=\"")
        html.text(zone.zone)
        html.raw("\"><h2>")
        html.text(zone.names.joined(separator: " "))
        html.raw("</h2>\n<p class=\"meta\">")
        var facts = ["serial \(zone.serial)", "mode \(zone.mode)", "fail_open \(zone.failOpen ? "on" : "off")"]
        if !zone.select.isEmpty { facts.append("select " + zone.select.joined(separator: " ")) }
        facts.append("answering: " + (zone.answering.isEmpty ? "nobody (SERVFAIL)" : zone.answering.joined(separator: ", ")))
        html.text(facts.joined(separator: " · "))
        html.raw("</p>\n")
        if let quorum = zone.quorum { render(quorum, into: &html) }
        html.raw("<table><thead><tr>")
        var titles = ["Peer", "Labels", "Addresses", "State", "Cause / last probe", "Latency", "Rise/fall"]
        if zone.quorum != nil { titles.append("Votes") }
        for title in titles + ["Override", "Expires", "Since"] {
            html.raw("<th>\(title)</th>")
        }
        html.raw("</tr></thead><tbody>\n")
        for peer in zone.peers { render(peer, now: now, master: zone.quorum?.master, into: &html) }
        html.raw("</tbody></table></section>\n")
    }

    /// `master`: this master's `ns` name, with `quorum`.
    private static func render(_ peer: StatusReport.Peer, now: Date, master: String?, into html: inout HTMLText) {
        html.raw("<tr class=\"peer\" data-peer=\"")
        html.text(peer.peer)
        html.raw("\" data-state=\"\(peer.state)\"><td>")
        html.text(peer.peer)
        html.raw("<br><span class=\"meta\">\(peer.role)</span></td>")
        html.cell(peer.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n"))
        html.cell(peer.addresses.joined(separator: "\n"))
        html.raw("<td><span class=\"state \(peer.state)\">\(peer.state)</span><br><span class=\"meta\">")
        html.raw(peer.answered ? "answered" : "not answered")
        // The vote overruled this master's own probe: say so where the state is read.
        if peer.ownHealth != peer.health && peer.votes != nil { html.raw("<br>own probe: \(peer.ownHealth)") }
        html.raw("</span></td>")
        html.cell(peer.cause ?? peer.lastProbe ?? "not probed yet")
        html.cell(peer.lastProbeMilliseconds.map { "\($0) ms" } ?? "")
        html.cell(peer.ownHealth == "down" ? "rise \(peer.streak)/\(peer.rise)" : "fall \(peer.streak)/\(peer.fall)")
        if let votes = peer.votes { render(votes, master: master, into: &html) }
        if let override = peer.override {
            let reason = override.reason.isEmpty ? "" : ": \(override.reason)"
            html.raw("<td class=\"wrap\">")
            html.text("\(override.state.rawValue)\(reason)")
            html.raw("<br><span class=\"meta\">by ")
            html.text(override.setBy)
            html.raw("</span></td>")
            html.cell(override.expiresAt.map { "in " + remaining(until: $0, from: now) } ?? "until removed")
        } else {
            html.cell("auto")
            html.cell("")
        }
        html.cell(peer.since.map(clock) ?? "")
        html.raw("</tr>\n")
    }

    /// The zone's masters: how many views count, and each fellow's standing.
    private static func render(_ quorum: StatusReport.Quorum, into html: inout HTMLText) {
        html.raw("<p class=\"quorum meta\" data-fresh=\"\(quorum.fresh)\" data-stale=\"\(quorum.stale)\">")
        html.text("quorum: \(quorum.fresh) of \(quorum.fresh + quorum.stale) masters fresh · this master ")
        html.text(quorum.master)
        for fellow in quorum.fellows {
            html.text(" · ")
            html.text("\(fellow.master) \(fellow.state)" + (fellow.problem.map { " (\($0))" } ?? ""))
        }
        if quorum.alone { html.raw(" · <strong>alone: answering from this master's own probes</strong>") }
        html.raw("</p>\n")
    }

    /// `2/3 up`, then each master's vote, one per line, this master's first.
    private static func render(_ votes: StatusReport.Votes, master: String?, into html: inout HTMLText) {
        html.raw("<td class=\"votes\">\(votes.up)/\(votes.up + votes.down) up")
        for (name, vote) in votes.by.sorted(by: { $0.key == master ? $1.key != master : $1.key != master && $0.key < $1.key }) {
            html.raw("<br><span class=\"vote \(vote)\" data-master=\"")
            html.text(name)
            html.raw("\" data-vote=\"\(vote)\">")
            html.text(name == master ? "this master: \(vote)" : "\(name): \(vote)")
            html.raw("</span>")
        }
        html.raw("</td>")
    }

    /// `9m58s`: what is left of an override, to the second.
    static func remaining(until end: Date, from now: Date) -> String {
        GoDuration.format(milliseconds: max(0, Int(end.timeIntervalSince(now).rounded())) * 1000)
    }

    /// `07:51:30Z`: the time of day in UTC, enough on a page that says its date at the top.
    private static func clock(_ date: Date) -> String {
        String(iso(date).split(separator: "T").last ?? "")
    }

    private static func iso(_ date: Date) -> String { date.formatted(.iso8601) }

    private static let style = """
        body{font:13px/1.45 system-ui,sans-serif;margin:1em 1.5em;color:#1d1d1f;background:#f6f7f9}\
        h1{font-size:1.35em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.6em 0 .2em}\
        .meta{color:#5a5f66;margin:.2em 0 .6em}\
        table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px #0002}\
        th,td{padding:.35em .5em;border-bottom:1px solid #e3e5e8;text-align:left;vertical-align:top;white-space:nowrap}\
        td.wrap{white-space:normal;min-width:10em}\
        th{background:#eef0f3;font-weight:600;white-space:nowrap}\
        .state{display:inline-block;min-width:5.5em;text-align:center;font-weight:600;padding:.1em .5em;border-radius:.7em;color:#fff}\
        .up{background:#2e7d32}.down{background:#c62828}.unknown{background:#6b7280}\
        .drained{background:#d97706}.forced-up{background:#1d4ed8}\
        .vote{font-size:.9em}.vote.up{color:#2e7d32;background:none}.vote.down{color:#c62828;background:none}\
        .vote.stale,.vote.unseen{color:#6b7280;background:none}
        """
}

/// HTML built as bytes; `text` escapes (`& < > " '`), `raw` is for the page's own markup.
struct HTMLText {
    private(set) var bytes: [UInt8] = []

    mutating func raw(_ markup: String) { bytes.append(contentsOf: markup.utf8) }

    mutating func text(_ value: String) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "&"): raw("&amp;")
            case UInt8(ascii: "<"): raw("&lt;")
            case UInt8(ascii: ">"): raw("&gt;")
            case UInt8(ascii: "\""): raw("&quot;")
            case UInt8(ascii: "'"): raw("&#39;")
            default: bytes.append(byte)
            }
        }
    }

    /// One `<td>`, each line of `value` on its own line.
    mutating func cell(_ value: String) {
        raw("<td>")
        for (index, line) in value.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { raw("<br>") }
            text(String(line))
        }
        raw("</td>")
    }
}
