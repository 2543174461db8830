import Foundation
import ProbesTesting
import Testing

@testable import Probes

/// Each upstream misbehaviour ends in a classified failure, and timeouts end on time.
///
/// Tests whose names end in `OnTime` assert a time bound; `swift test --skip OnTime` leaves them
/// out of a run that is too loaded to judge time, and `--filter OnTime` runs them on their own.
@Suite("HTTP checker: misbehaving upstreams")
struct HTTPCheckerMisbehaviourTests {
    /// Timeout used where the test waits for it; the result must come within 10 % more.
    static let timeout = Duration.seconds(1)

    /// Runs one probe and measures, outside the checker, how long the caller waited.
    static func timed(
        _ checker: HTTPChecker, _ probe: HTTPProbe
    ) async -> (value: ProbeResult, waited: Duration, allowed: Duration) {
        await measureAgainstDeadline(timeout) { await checker.check(probe, timeout: timeout) }
    }

    @Test func neverAnsweringServerTimesOutOnTime() async throws {
        try await withLoopbackHTTP(routes: ["/": .neverAnswer]) { server, checker in
            let (result, waited, allowed) = await Self.timed(checker, HTTPProbe(url: server.url("/")))
            #expect(result.status == .down)
            #expect(result.failure == .timeout)
            #expect(result.error == "timeout after 1000 ms")
            #expect(result.latency >= Self.timeout)
            #expect(waited <= allowed)
        }
    }

    @Test func answerSlowerThanTheTimeoutTimesOutOnTime() async throws {
        try await withLoopbackHTTP(routes: ["/": .status(200, delay: .seconds(3))]) { server, checker in
            let (result, waited, allowed) = await Self.timed(checker, HTTPProbe(url: server.url("/")))
            #expect(result.failure == .timeout)
            #expect(waited <= allowed)
        }
    }

    @Test func tricklingBodyTimesOutOnTime() async throws {
        let trickle = ScriptedBehaviour.trickle(
            status: 200, chunk: Array("x".utf8), interval: .milliseconds(50),
            count: nil)
        try await withLoopbackHTTP(routes: ["/": trickle]) { server, checker in
            let (result, waited, allowed) = await Self.timed(checker, HTTPProbe(url: server.url("/")))
            #expect(result.failure == .timeout)
            #expect(result.error == "timeout after 1000 ms")
            #expect(waited <= allowed)
        }
    }

    @Test func finiteTrickleWithinTheTimeoutIsUp() async throws {
        let trickle = ScriptedBehaviour.trickle(
            status: 200, chunk: Array("ab".utf8), interval: .milliseconds(10),
            count: 5)
        try await withLoopbackHTTP(routes: ["/": trickle]) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/")))
            #expect(result.status == .up)
        }
    }

    @Test func endlessBodyIsCappedAndTheConnectionDropped() async throws {
        try await withLoopbackHTTP(routes: ["/": .endlessBody(status: 200, chunkSize: 16_384)]) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/")), timeout: .seconds(30))
            #expect(result.status == .down)
            #expect(result.failure == .bodyTooLarge)
            #expect(result.error == "body larger than 1048576 bytes")
            // The checker hung up: the server sees the connection close, having streamed no more
            // than the cap plus what the loopback socket buffers hold.
            #expect(await eventually { server.openConnections == 0 })
            #expect(server.streamedBodyBytes < 64 << 20)
        }
    }

    @Test func endlessBodyWithSmallCap() async throws {
        try await withLoopbackHTTP(routes: ["/": .endlessBody(status: 200, chunkSize: 1000)]) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/"), maxBodyBytes: 10_000))
            #expect(result.failure == .bodyTooLarge)
            #expect(result.error == "body larger than 10000 bytes")
        }
    }

    @Test func endlessBodyOnAnErrorStatusIsCappedToo() async throws {
        try await withLoopbackHTTP(routes: ["/": .endlessBody(status: 500, chunkSize: 4096)]) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/"), maxBodyBytes: 65_536))
            #expect(result.failure == .bodyTooLarge)
        }
    }

    @Test func resetAfterTheRequestIsClassified() async throws {
        try await withLoopbackHTTP(routes: ["/": .reset]) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/")))
            #expect(result.status == .down)
            #expect(result.failure == .reset)
            #expect(result.error == "connection reset" || result.error == "connection closed before a complete answer")
            #expect(server.requests.count == 1)
        }
    }

    @Test func garbageInsteadOfHTTPIsInvalid() async throws {
        let garbage = ScriptedBehaviour.garbage(Array("\u{1}\u{2}SSH-2.0-OpenSSH\r\n\r\n".utf8))
        try await withLoopbackHTTP(routes: ["/": garbage]) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/")))
            #expect(result.status == .down)
            #expect(result.failure == .protocolError)
            #expect(result.error == "invalid HTTP response")
        }
    }

    @Test func refusedConnectionIsClassified() async throws {
        let checker = HTTPChecker()
        let result = try await RefusingPort.withPort { port in
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/health"))
            return await checker.check(HTTPProbe(url: url))
        }
        await checker.shutdown()
        #expect(result.status == .down)
        #expect(result.failure == .refused)
        #expect(result.error == "connection refused")
    }

    /// The client must not retry a refused connect until the probe's timeout.
    @Test func refusedConnectionFailsAtOnceOnTime() async throws {
        let checker = HTTPChecker()
        let (result, waited, allowed) = try await RefusingPort.withPort { port in
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/"))
            return await measureAgainstDeadline(.milliseconds(500)) {
                await checker.check(HTTPProbe(url: url), timeout: .seconds(30))
            }
        }
        await checker.shutdown()
        #expect(result.failure == .refused)
        #expect(waited <= allowed)
    }

    @Test func blackholedConnectTimesOutOnTime() async throws {
        let blackhole = try await LoopbackBlackhole.start()
        // A connect attempt left behind by a timed-out probe lasts up to the connect timeout,
        // and shutdown waits for it.
        let checker = HTTPChecker(options: HTTPChecker.Options(connectTimeout: Self.timeout))
        let url = try #require(URL(string: "http://127.0.0.1:\(blackhole.port)/"))
        let (result, waited, allowed) = await Self.timed(checker, HTTPProbe(url: url))
        await checker.shutdown()
        await blackhole.stop()
        #expect(result.failure == .timeout)
        #expect(result.error == "timeout after 1000 ms")
        #expect(waited <= allowed)
    }

    @Test func unsupportedSchemeFailsWithoutCrashing() async throws {
        let checker = HTTPChecker()
        let url = try #require(URL(string: "ftp://127.0.0.1/file"))
        let result = await checker.check(HTTPProbe(url: url))
        await checker.shutdown()
        #expect(result.status == .down)
        #expect(result.error == "unsupported URL scheme \"ftp\"")
    }

    @Test func redirectToAnotherSchemeIsRefused() async throws {
        try await withLoopbackHTTP(routes: ["/": .redirect(to: "file:///etc/passwd")]) { server, checker in
            let result = await checker.check(HTTPProbe(url: server.url("/")))
            #expect(result.failure == .redirects)
            #expect(result.error == "redirect to an unusable URL")
        }
    }
}
