import Foundation
import Probes
import ProbesTesting
import Testing

@testable import DemoEstate

/// The estate's servers against clients that hold connections (issue 16): more than the limit at
/// once, idle and half-sent, cannot end the demo or keep a request from being answered.
@Suite("Demo estate servers under abuse")
struct EndpointServerAbuseTests {
    /// Opens `count` connections to `port` at once and holds them; every other one sends half a request.
    static func hold(port: Int, count: Int) -> [Int32] {
        var opened: [Int32] = []
        for index in 0..<count {
            guard let fd = LoopbackSocket.connect(port: port) else { continue }
            if index % 2 == 1 {
                let partial = Array("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8)
                _ = partial.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            }
            opened.append(fd)
        }
        return opened
    }

    @Test func moreConnectionsThanTheLimitHeldOpenLeaveTheServerAnswering() async throws {
        let estate = try await Estate.start(EstateLayout.standard.withEphemeralPorts())
        let client = UpstreamCaller()
        let server = try #require(estate.layout.servers.first { $0.routes.contains { $0.method == .GET } })
        let route = try #require(server.routes.first { $0.method == .GET })
        let url = try #require(estate.url(server: server.name, path: route.path))
        let port = try #require(URLComponents(string: url)?.port)
        let held = Self.hold(port: port, count: EndpointServer.limits.maxConnections + 44)
        #expect(held.count > EndpointServer.limits.maxConnections)
        let during = await client.call(url, timeout: .seconds(5))
        #expect(during.isSuccess, "\(during)")
        for fd in held { close(fd) }
        let after = await client.call(url, timeout: .seconds(5))
        #expect(after.isSuccess, "\(after)")
        await estate.stop()
        await client.shutdown()
    }
}
