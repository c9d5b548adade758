/// The control API's routes (docs/control.md): reads are open to whoever reaches the address;
/// changes need `Authorization: Bearer TOKEN`.
extension OperatorControl {
    var routes: [String: HTTPServer.Route] {
        [
            "/": .get { [unowned self] in self.statusPage() },
            "/status": .get { [unowned self] in ControlJSON.response(200, self.report()) },
            "/explain": HTTPServer.Route(methods: ["GET"]) { [unowned self] in self.explain($0) },
            "/overrides": HTTPServer.Route(methods: ["GET", "PUT", "DELETE"]) { [unowned self] in self.overridesRequest($0, peer: nil) },
            "/overrides/": HTTPServer.Route(methods: ["PUT", "DELETE"], prefix: true) { [unowned self] request in
                self.overridesRequest(request, peer: String(request.path.dropFirst("/overrides/".count)))
            },
        ]
    }

    func report() -> StatusReport {
        StatusReport(registries: registries(), monitors: monitors(), overrides: overrides, quorums: exchanges().map(\.standing))
    }

    private func statusPage() -> HTTPResponse {
        HTTPResponse(status: 200, contentType: "text/html; charset=utf-8", body: StatusPage.render(report()))
    }

    private func explain(_ request: HTTPRequest) -> HTTPResponse {
        guard let text = request.queryValue("name"), !text.isEmpty else {
            return ControlJSON.error(400, "missing name; expected /explain?name=NAME&type=TYPE")
        }
        let name: DomainName
        do {
            name = try DomainName(parsing: text)
        } catch {
            return ControlJSON.error(400, "invalid name \(quoted(text)): \(error)")
        }
        let type = (request.queryValue("type") ?? "A").uppercased()
        guard !type.isEmpty, type.count <= 10, type.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return ControlJSON.error(400, "invalid type \(quoted(type)); expected e.g. A, AAAA, NS, SOA")
        }
        return ControlJSON.response(200, Explanation(name: name, type: type, registries: registries(), monitors: monitors(),
                                                     overrides: overrides, quorums: exchanges().map(\.standing)))
    }

    private func overridesRequest(_ request: HTTPRequest, peer: String?) -> HTTPResponse {
        if request.method == "GET" || request.method == "HEAD" { return ControlJSON.response(200, overrides.peers) }
        guard authorized(request) else {
            logger.warning("\(request.client) \(request.method) \(request.path) refused: missing or wrong bearer token")
            var response = ControlJSON.error(401, "missing or wrong bearer token; send Authorization: Bearer TOKEN")
            // RFC 6750 §3: a protected resource names the scheme it expects.
            response.headers = [("WWW-Authenticate", "Bearer realm=\"zoneregistry\"")]
            return response
        }
        let lookup = PeerLookup(registries: registries())
        let hosts: [String]
        do {
            if let peer, !peer.isEmpty {
                hosts = [try lookup.host(named: peer)]
            } else {
                let selectors = request.query.filter { $0.name == "select" }.map(\.value)
                guard !selectors.isEmpty else { return ControlJSON.error(400, "name a peer (/overrides/PEER) or a selector (?select=KEY=VALUE)") }
                hosts = try lookup.hosts(selecting: selectors)
            }
        } catch {
            switch error {
            case .badSelector, .ambiguous: return ControlJSON.error(400, error.description)
            case .unknown, .noMatch: return ControlJSON.error(404, error.description)
            }
        }
        let change: OverrideRequest
        if request.method == "DELETE" {
            change = OverrideRequest(state: nil, milliseconds: nil, reason: "")
        } else {
            do {
                change = try OverrideRequest.parse(request.body)
            } catch {
                return ControlJSON.error(400, error.description)
            }
        }
        do {
            let changed = try self.change(change, hosts: hosts, client: request.client)
            return ControlJSON.response(200, ChangeResult(state: change.state?.rawValue ?? "auto", peers: changed,
                                                          overrides: changed.compactMap { host in overrides[host].map { [host: $0] } }))
        } catch {
            return ControlJSON.error(500, "override not made: cannot write the state file: \(error)")
        }
    }

    private func authorized(_ request: HTTPRequest) -> Bool {
        guard let header = request.header("authorization") else { return false }
        // RFC 6750 §2.1: `Bearer` is case-insensitive, one space, then the token.
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        return directive.token.matches(Array(parts[1].utf8))
    }

    struct ChangeResult: Encodable {
        var state: String
        var peers: [String]
        var overrides: [[String: Override]]
    }
}
