import Foundation
import ProbesTesting
import Testing

@testable import Probes

/// Starts a loopback server and a checker, runs `body`, then stops both whatever happened.
func withLoopbackHTTP<T>(
    routes: [String: ScriptedBehaviour] = [:], tls: TLSIdentity? = nil,
    options: HTTPChecker.Options = HTTPChecker.Options(),
    _ body: (LoopbackHTTPServer, HTTPChecker) async throws -> T
) async throws -> T {
    let server = try await LoopbackHTTPServer.start(tls: tls, routes: routes)
    let checker = HTTPChecker(options: options)
    do {
        let value = try await body(server, checker)
        await checker.shutdown()
        await server.stop()
        return value
    } catch {
        await checker.shutdown()
        await server.stop()
        throw error
    }
}

/// Polls `condition` for up to ten seconds: for effects on the server side, which a probe's
/// result does not wait for. Generous for a loaded CI machine; only a failing test waits it out.
func eventually(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<1000 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// How long `operation` took, and the most it may take to count as returning at `deadline`
/// "within 10 %": `deadline` × 1.1, plus the time the concurrency runtime stalled meanwhile.
/// The whole suite runs in parallel on a cooperative pool of one thread per core; CPU-bound or
/// blocking tests elsewhere can hold every thread for seconds, and that delay is the runtime's,
/// not the probe's. A heartbeat ticking every 5 ms measures it (without load it is a few ms, and
/// the bound is the strict one).
func measureAgainstDeadline<T: Sendable>(
    _ deadline: Duration, _ operation: () async -> T
) async -> (value: T, waited: Duration, allowed: Duration) {
    let clock = ContinuousClock()
    let tick = Duration.milliseconds(5)
    let start = clock.now
    let heartbeat = Task {
        var stalled = Duration.zero
        // From `start`, not from the heartbeat's first run: that may itself come late.
        var last = start
        while !Task.isCancelled {
            try? await Task.sleep(for: tick)
            let now = clock.now
            // A gap longer than two ticks means no thread was free to run the heartbeat.
            stalled += max(.zero, now - last - tick * 2)
            last = now
        }
        return stalled
    }
    let value = await operation()
    let waited = clock.now - start
    heartbeat.cancel()
    return (value, waited, deadline * 1.1 + (await heartbeat.value))
}

extension HTTPChecker {
    /// One probe of `probe` as service "svc" with no conditions unless given. The default
    /// timeout is long so that a busy machine cannot turn an expected failure into a timeout.
    func check(
        _ probe: HTTPProbe, conditions: [Condition] = [], timeout: Duration = .seconds(30)
    ) async -> ProbeResult {
        await check(probe, conditions: conditions, timeout: timeout, service: "svc", startedAt: Date())
    }
}

@Suite("HTTP checker: answers, redirects, requests")
struct HTTPCheckerTests {
    @Test func okAnswerIsUp() async throws {
        try await withLoopbackHTTP(routes: ["/health": .ok("fine")]) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/health")))
            #expect(result.status == .up)
            #expect(result.httpStatus == 200)
            #expect(result.error == nil)
            #expect(result.failure == nil)
            #expect(result.service == "svc")
            #expect(result.latency > .zero)
        }
    }

    @Test(arguments: [201, 204, 299])
    func every2xxIsUp(code: Int) async throws {
        try await withLoopbackHTTP(routes: ["/x": .status(code)]) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/x")))
            #expect(result.status == .up)
            #expect(result.httpStatus == code)
        }
    }

    @Test(arguments: [400, 404, 418, 500, 503])
    func errorStatusIsDown(code: Int) async throws {
        try await withLoopbackHTTP(routes: ["/x": .status(code, body: "nope")]) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/x")))
            #expect(result.status == .down)
            #expect(result.error == "HTTP \(code)")
            #expect(result.failure == .condition)
            #expect(result.httpStatus == code)
        }
    }

    @Test func redirectIsFollowed() async throws {
        let routes: [String: ScriptedBehaviour] = ["/old": .redirect(to: "/new"), "/new": .ok()]
        try await withLoopbackHTTP(routes: routes) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/old")))
            #expect(result.status == .up)
            #expect(result.httpStatus == 200)
            #expect(server.requests.map(\.path) == ["/old", "/new"])
        }
    }

    @Test func absoluteRedirectIsFollowed() async throws {
        try await withLoopbackHTTP(routes: ["/new": .ok()]) { server, checker in
            server.script("/old", .redirect(to: server.url("/new").absoluteString, status: 301))
            let result = await checker.check(HTTPProbe(url: server.url("/old")))
            #expect(result.status == .up)
            #expect(server.requests(to: "/new").count == 1)
        }
    }

    @Test func redirectChainWithinLimitIsFollowed() async throws {
        let routes: [String: ScriptedBehaviour] = [
            "/a": .redirect(to: "/b", status: 301), "/b": .redirect(to: "/c", status: 307),
            "/c": .redirect(to: "/d", status: 308), "/d": .ok(),
        ]
        try await withLoopbackHTTP(routes: routes) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/a"), maxRedirects: 3))
            #expect(result.status == .up)
            #expect(server.requests.map(\.path) == ["/a", "/b", "/c", "/d"])
        }
    }

    @Test func redirectChainOverLimitFails() async throws {
        let routes: [String: ScriptedBehaviour] = [
            "/a": .redirect(to: "/b"), "/b": .redirect(to: "/c"), "/c": .redirect(to: "/d"), "/d": .ok(),
        ]
        try await withLoopbackHTTP(routes: routes) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/a"), maxRedirects: 2))
            #expect(result.status == .down)
            #expect(result.failure == .redirects)
            #expect(result.error == "too many redirects (2)")
            #expect(server.requests(to: "/d").isEmpty)
        }
    }

    @Test func redirectToItselfIsALoop() async throws {
        try await withLoopbackHTTP(routes: ["/loop": .redirect(to: "/loop")]) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/loop")))
            #expect(result.status == .down)
            #expect(result.failure == .redirects)
            #expect(result.error == "redirect loop")
            #expect(server.requests.count == 1)
        }
    }

    @Test func redirectCycleIsALoop() async throws {
        let routes: [String: ScriptedBehaviour] = ["/a": .redirect(to: "/b"), "/b": .redirect(to: "/a")]
        try await withLoopbackHTTP(routes: routes) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/a")))
            #expect(result.failure == .redirects)
            #expect(result.error == "redirect loop")
            #expect(server.requests.map(\.path) == ["/a", "/b"])
        }
    }

    @Test func endlessDistinctRedirectsStopAtTheDefaultLimit() async throws {
        try await withLoopbackHTTP { server, checker in
            for step in 0...12 {
                server.script("/r\(step)", .redirect(to: "/r\(step + 1)"))
            }
            let result = await checker.check(HTTPProbe(url: server.url("/r0")))
            #expect(result.error == "too many redirects (10)")
            #expect(server.requests.count == 11)
        }
    }

    @Test func redirectNotFollowedWhenDisabled() async throws {
        let routes: [String: ScriptedBehaviour] = ["/old": .redirect(to: "/new"), "/new": .ok()]
        try await withLoopbackHTTP(routes: routes) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/old"), followRedirects: false))
            #expect(result.status == .down)
            #expect(result.error == "HTTP 302")
            #expect(server.requests(to: "/new").isEmpty)
        }
    }

    @Test func methodHeadersAndBodyAreSent() async throws {
        try await withLoopbackHTTP(routes: ["/submit": .status(201)]) { server, checker in
            let probe = HTTPProbe(
                url: server.url("/submit?x=1"), method: "post",
                headers: [
                    HTTPHeader(name: "X-Probe", value: "42"), HTTPHeader(name: "Content-Type", value: "text/plain"),
                ],
                body: "ping")
            let result = await checker.check(probe)
            #expect(result.status == .up)
            let request = try #require(server.requests.first)
            #expect(request.method == "POST")
            #expect(request.uri == "/submit?x=1")
            #expect(request.header("x-probe") == "42")
            #expect(request.header("content-type") == "text/plain")
            #expect(request.bodyText == "ping")
            #expect(request.header("user-agent") == "IncidentBoard")
        }
    }

    @Test func ownUserAgentWins() async throws {
        try await withLoopbackHTTP(routes: ["/": .ok()]) { server, checker in
            let probe = HTTPProbe(url: server.url("/"), headers: [HTTPHeader(name: "User-Agent", value: "mine/1")])
            _ = await checker.check(probe)
            #expect(server.requests.first?.header("user-agent") == "mine/1")
        }
    }

    @Test func seeOtherAfterPostContinuesAsGetWithoutBody() async throws {
        let routes: [String: ScriptedBehaviour] = ["/form": .redirect(to: "/done", status: 303), "/done": .ok()]
        try await withLoopbackHTTP(routes: routes) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/form"), method: "POST", body: "a=1"))
            #expect(result.status == .up)
            let done = try #require(server.requests(to: "/done").first)
            #expect(done.method == "GET")
            #expect(done.body.isEmpty)
        }
    }

    @Test func eachProbeOpensItsOwnConnectionByDefault() async throws {
        try await withLoopbackHTTP(routes: ["/": .ok()]) { server, checker in
            for _ in 0..<3 {
                #expect(await checker.check(HTTPProbe(url: server.url("/"))).status == .up)
            }
            #expect(server.acceptedConnections == 3)
            #expect(server.requests.allSatisfy { $0.header("connection") == "close" })
        }
    }

    @Test func connectionsAreReusedWhenConfigured() async throws {
        let options = HTTPChecker.Options(reuseConnections: true)
        try await withLoopbackHTTP(routes: ["/": .ok()], options: options) { server, checker in
            for _ in 0..<3 {
                #expect(await checker.check(HTTPProbe(url: server.url("/"))).status == .up)
            }
            #expect(server.acceptedConnections == 1)
            #expect(server.requests.allSatisfy { $0.header("connection") == nil })
        }
    }

    @Test func behaviourChangedMidRunIsSeen() async throws {
        try await withLoopbackHTTP(routes: ["/health": .ok()]) { server, checker in
            #expect(await checker.check(HTTPProbe(url: server.url("/health"))).status == .up)
            server.script("/health", .status(503))
            let failed = await checker.check(HTTPProbe(url: server.url("/health")))
            #expect(failed.status == .down)
            #expect(failed.error == "HTTP 503")
            server.script("/health", .ok())
            #expect(await checker.check(HTTPProbe(url: server.url("/health"))).status == .up)
        }
    }

    @Test func bodyOfExactlyTheCapIsAccepted() async throws {
        let body = String(repeating: "b", count: 4096)
        try await withLoopbackHTTP(routes: ["/": .ok(body)]) { server, checker in
            let atCap = await checker.check(HTTPProbe(url: server.url("/"), maxBodyBytes: 4096))
            #expect(atCap.status == .up)
            let overCap = await checker.check(HTTPProbe(url: server.url("/"), maxBodyBytes: 4095))
            #expect(overCap.status == .down)
            #expect(overCap.failure == .bodyTooLarge)
            #expect(overCap.error == "body larger than 4095 bytes")
        }
    }
}
