import Foundation
import Logging
import Testing
@testable import ZoneRegistry

/// The control routes without sockets: a real `OperatorControl` over one registry.
@Suite struct ControlAPITests {
    static let token = "api-test-token-0123456789"

    final class Fixture {
        let loop: EventLoop
        let registry: Registry
        let control: OperatorControl

        init() throws {
            loop = try EventLoop()
            let registry = Registry(config: registryConfig(zones: ["a.test"], mode: .address, peers: [
                peer("prod1.a.test", labels: ["cluster-env": "prod"], v4: "192.0.2.1"),
                peer("dev1.a.test", .secondary, labels: ["cluster-env": "dev"], v4: "192.0.2.2"),
            ]), serial: 1, previous: nil)
            self.registry = registry
            control = OperatorControl(
                loop: loop,
                directive: ControlDirective(address: HTTPListenAddress(host: nil, port: 1), token: ControlToken(Array(ControlAPITests.token.utf8)),
                                            tokenFile: "t", stateFile: nil, location: testLocation),
                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
                registries: { [registry] }, monitors: { [] })
        }

        /// The expiry timer's memory is freed in its close callback: run the loop once for it.
        deinit {
            control.stop()
            HealthMonitorStopTests.drain(loop)
        }

        func send(_ method: String, _ target: String, authorization: String? = nil, body: String? = nil) -> HTTPResponse {
            var head = "\(method) \(target) HTTP/1.1\r\n"
            if let authorization { head += "Authorization: \(authorization)\r\n" }
            if let body { head += "Content-Length: \(body.utf8.count)\r\n" }
            var reader = HTTPRequestReader()
            guard case .request(var request) = reader.feed(Array((head + "\r\n" + (body ?? "")).utf8)) else {
                return .text(0, "unparsed")
            }
            request.client = "192.0.2.50:4000"
            return HTTPServer.response(request, routes: control.routes)
        }
    }

    @Test func theBearerSchemeIsCaseInsensitiveTheTokenIsNot() throws {
        let fixture = try Fixture()
        let body = #"{"state":"drain"}"#
        #expect(fixture.send("PUT", "/overrides/prod1", authorization: "Basic \(Self.token)", body: body).status == 401)
        #expect(fixture.send("PUT", "/overrides/prod1", authorization: "Bearer \(Self.token.uppercased())", body: body).status == 401)
        #expect(fixture.registry.override(ofPeerAt: 0) == nil)
        #expect(fixture.send("PUT", "/overrides/prod1", authorization: "bEaReR \(Self.token)", body: body).status == 200)
        #expect(fixture.registry.override(ofPeerAt: 0) == .drain)
    }

    @Test func readsAreOpenAndOtherMethodsAre405() throws {
        let fixture = try Fixture()
        #expect(fixture.send("GET", "/status").status == 200)
        #expect(fixture.send("GET", "/overrides").status == 200)
        let post = fixture.send("POST", "/overrides/prod1", authorization: "Bearer \(Self.token)", body: "{}")
        #expect(post.status == 405)
        #expect(post.headers.first { $0.0 == "Allow" }?.1 == "DELETE, PUT")
        #expect(fixture.send("GET", "/explain").status == 400)
    }

    @Test func deleteReturnsAPeerToAuto() throws {
        let fixture = try Fixture()
        let auth = "Bearer \(Self.token)"
        #expect(fixture.send("PUT", "/overrides?select=cluster-env=dev", authorization: auth, body: #"{"state":"drain","for":"1h"}"#).status == 200)
        #expect(fixture.registry.override(ofPeerAt: 1) == .drain && fixture.registry.override(ofPeerAt: 0) == nil)
        #expect(fixture.send("DELETE", "/overrides/dev1.a.test", authorization: auth).status == 200)
        #expect(fixture.registry.override(ofPeerAt: 1) == nil)
        #expect(fixture.control.overrides.peers.isEmpty)
    }
}
