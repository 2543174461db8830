import Foundation
import NIOCore
import Testing

@testable import Probes
@testable import ProbesPrometheus

/// The `/metrics` endpoint on a free loopback port, spoken to over a plain socket.
@Suite("Metrics server")
struct MetricsServerTests {
    static func config(services: Int = 3) throws -> ProbesConfig {
        let entries = (0..<services).map {
            #"{"name": "svc-\#($0)", "probe": {"type": "http", "url": "http://127.0.0.1:1/\#($0)"}}"#
        }
        let json = #"{"services": [\#(entries.joined(separator: ","))]}"#
        return try ConfigLoader.load(data: Data(json.utf8), displayName: "test.json", environment: [:])
    }

    /// A started server over a board where every service had one probe.
    static func started(services: Int = 3) async throws -> (MetricsServer, Int) {
        let config = try config(services: services)
        var monitor = Monitor(config: config)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        for service in config.services {
            _ = monitor.ingest(
                ProbeResult(
                    service: service.name, startedAt: now, status: .up,
                    latency: .milliseconds(12), httpStatus: 200), now: now)
        }
        let exposition = MetricsExposition(config: config, site: "test", version: "0.0.0")
        exposition.update(monitor.snapshot(now: now))
        let server = MetricsServer(address: MetricsListenAddress(host: "127.0.0.1", port: 0), exposition: exposition)
        let bound = try await server.start()
        #expect(bound.port > 0)
        return (server, bound.port)
    }

    @Test func getMetricsAnswersTheExposition() async throws {
        let (server, port) = try await Self.started()
        let response = try #require(await RawHTTP.get(port: port, "/metrics"))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(response.headers["content-length"] == String(response.body.count))
        let parsed = ParsedExposition(response.text)
        #expect(parsed.problems.isEmpty, "\(parsed.problems)")
        #expect(parsed.value("probe_success", ["service": "svc-1", "site": "test"]) == 1)
        #expect(parsed.value("probe_duration_seconds", ["service": "svc-1", "site": "test"]) == 0.012)
        // A query string does not change the answer; HEAD gets the headers only.
        let query = try #require(await RawHTTP.get(port: port, "/metrics?name[]=probe_success"))
        #expect(query.status == 200)
        let head = try #require(await RawHTTP.get(port: port, "/metrics", method: "HEAD"))
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(Int(head.headers["content-length"] ?? "") ?? 0 > 0)
        let index = try #require(await RawHTTP.get(port: port, "/"))
        #expect(index.status == 200)
        #expect(index.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(index.text.contains("/metrics"))
        await server.stop()
    }

    @Test func keepAliveServesSeveralScrapesOnOneConnection() async throws {
        let (server, port) = try await Self.started()
        let one = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
        let last = "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        let raw = await RawHTTP.exchange(port: port, Array((one + one + last).utf8))
        let text = String(decoding: raw, as: UTF8.self)
        #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count - 1 == 2)
        #expect(text.contains("HTTP/1.1 404 Not Found"))
        await server.stop()
    }

    @Test func otherPathsAre404AndOtherMethods405() async throws {
        let (server, port) = try await Self.started()
        for path in ["/nope", "/metrics/", "/metricsx", "//metrics"] {
            let response = try #require(await RawHTTP.get(port: port, path))
            #expect(response.status == 404, "\(path)")
        }
        for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
            let response = try #require(await RawHTTP.get(port: port, "/metrics", method: method))
            #expect(response.status == 405, "\(method)")
            #expect(response.headers["allow"] == "GET, HEAD")
        }
        await server.stop()
    }

    @Test func garbageAndOversizedRequestsNeverHurtTheServer() async throws {
        let (server, port) = try await Self.started()
        var junk: [UInt8] = Array("\u{0}\u{1}\u{2} NOT HTTP AT ALL\r\n\r\n".utf8)
        let garbage = RawHTTP.parse(await RawHTTP.exchange(port: port, junk))
        #expect(garbage == nil || garbage?.status == 400)
        junk = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }
        _ = await RawHTTP.exchange(port: port, junk)
        // Headers over the limit: refused, connection closed.
        let huge = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 40_000))\r\n\r\n"
        let tooBig = RawHTTP.parse(await RawHTTP.exchange(port: port, Array(huge.utf8)))
        #expect(tooBig == nil || (tooBig?.status ?? 0) >= 400)
        // A body over the limit: 413.
        let body = String(repeating: "b", count: MetricsServer.maxBodyBytes + 10)
        let post = "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let large = RawHTTP.parse(await RawHTTP.exchange(port: port, Array(post.utf8)))
        #expect(large?.status == 413)
        // A request cut short, and a connection opened and dropped.
        _ = await RawHTTP.exchange(port: port, Array("GET /metr".utf8), endingInput: true)
        _ = await RawHTTP.exchange(port: port, [], endingInput: true)
        // Still serving.
        let response = try #require(await RawHTTP.get(port: port, "/metrics"))
        #expect(response.status == 200)
        await server.stop()
    }

    @Test func aLargeBoardIsStreamedWhole() async throws {
        let (server, port) = try await Self.started(services: 1000)
        let chunked = try #require(await RawHTTP.get(port: port, "/metrics"))
        #expect(chunked.status == 200)
        #expect(chunked.headers["transfer-encoding"] == "chunked")
        #expect(chunked.body.count > MetricsServer.wholeBodyBytes)
        let parsed = ParsedExposition(chunked.text)
        #expect(parsed.problems.isEmpty)
        #expect(parsed.series("probe_success").count == 1000)
        #expect(parsed.series("incidentboard_slo_burn_rate").count == 1000 * 16)
        // HTTP/1.0 has no chunks: the body ends with the connection.
        let old = try #require(await RawHTTP.get(port: port, "/metrics", version: "HTTP/1.0"))
        #expect(old.status == 200)
        #expect(old.headers["transfer-encoding"] == nil)
        // The same text but for the process's own numbers, which move between scrapes.
        func board(_ text: String) -> [Substring] { text.split(separator: "\n").filter { !$0.contains("process_") } }
        #expect(board(old.text) == board(chunked.text))
        await server.stop()
    }

    @Test func aPortInUseIsAClearError() async throws {
        let (server, port) = try await Self.started()
        let exposition = MetricsExposition(config: try Self.config(), site: "test", version: "0.0.0")
        let second = MetricsServer(address: MetricsListenAddress(host: "127.0.0.1", port: port), exposition: exposition)
        await #expect(throws: MetricsServerError.addressInUse(MetricsListenAddress(host: "127.0.0.1", port: port))) {
            try await second.start()
        }
        #expect(
            MetricsServerError.addressInUse(MetricsListenAddress(host: "127.0.0.1", port: port)).description
                == "address in use")
        await second.stop()
        // The first one is unaffected.
        #expect(try #require(await RawHTTP.get(port: port, "/metrics")).status == 200)
        await server.stop()
        // Stopped means closed: nothing answers on the port any more.
        #expect(await RawHTTP.exchange(port: port, Array("GET /metrics HTTP/1.1\r\n\r\n".utf8)).isEmpty)
    }

    @Test func bindFailuresSayWhatIsWrong() {
        let low = MetricsListenAddress(host: "0.0.0.0", port: 80)
        let high = MetricsListenAddress(host: "10.1.2.3", port: 9464)
        #expect(
            MetricsServerError(binding: high, error: IOError(errnoCode: EADDRINUSE, reason: "bind"))
                == .addressInUse(high))
        #expect(
            MetricsServerError(binding: high, error: IOError(errnoCode: EADDRNOTAVAIL, reason: "bind"))
                .description == "address not available on this machine")
        #expect(
            MetricsServerError(binding: low, error: IOError(errnoCode: EACCES, reason: "bind")).description
                == "permission denied (ports below 1024 need privileges)")
        #expect(
            MetricsServerError(binding: high, error: IOError(errnoCode: EMFILE, reason: "socket"))
                .description.hasPrefix("cannot listen: "))
    }

    @Test func stopBeforeStartAndTwiceIsHarmless() async throws {
        let exposition = MetricsExposition(config: try Self.config(), site: "test", version: "0.0.0")
        let server = MetricsServer(address: MetricsListenAddress(host: "127.0.0.1", port: 0), exposition: exposition)
        await server.stop()
        await server.stop()
        await #expect(throws: MetricsServerError.stopped) { try await server.start() }
    }
}
