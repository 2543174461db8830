import Foundation
import Probes
import ProbesTesting
import Testing

/// `watch --headless --metrics-listen` as an agent runs it: the built binary probing a loopback
/// target while a test scrapes `/metrics` like Prometheus would.
@Suite("metrics endpoint (built binary)")
struct MetricsEndToEndTests {
    static func config(_ server: LoopbackHTTPServer) -> String {
        """
        {
          "defaults": { "interval": "1s", "timeout": "900ms" },
          "services": [
            { "name": "alpha", "probe": { "type": "http", "url": "\(server.url("/alpha"))" } },
            { "name": "beta", "dependsOn": ["alpha"], "probe": { "type": "http", "url": "\(server.url("/beta"))" } }
          ]
        }
        """
    }

    @Test func watchServesMetricsForItsSite() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/alpha": .ok(), "/beta": .status(503)])
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server))
        let port = try #require(FreePort.find())
        let watch = try RunningBinary([
            "watch", "--headless", "--format", "json", "--config", config, "--state", scratch.file("state.sqlite"),
            "--site", "east", "--metrics-listen", "127.0.0.1:\(port)",
        ])
        var text = ""
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let response = await Scrape.get(port: port, "/metrics"), response.status == 200 {
                text = response.body
                if text.contains("probe_success{service=\"alpha\"") && text.contains("probe_success{service=\"beta\"") {
                    break
                }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(text.contains("probe_success{service=\"alpha\",site=\"east\"} 1"), "\(text.prefix(2000))")
        #expect(text.contains("probe_success{service=\"beta\",site=\"east\"} 0"))
        #expect(text.contains("probe_http_status_code{service=\"beta\",site=\"east\"} 503"))
        #expect(text.contains("incidentboard_build_info{version=\""))
        #expect(text.contains("incidentboard_scheduler_probes_started_total{site=\"east\"}"))
        #expect(text.contains("process_resident_memory_bytes{site=\"east\"}"))
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.contains("site=\"east\""), "\(line)")
        }
        #expect(
            watch.stderrLines.contains { $0.contains("metrics at http://127.0.0.1:\(port)/metrics") },
            "\(watch.stderrLines)")

        let check = try #require(try await PromtoolCheck.run(text), Comment(rawValue: PromtoolCheck.missing))
        #expect(check.status == 0, "promtool check metrics: \(check.output)")
        #expect(check.output.isEmpty, "promtool check metrics: \(check.output)")

        watch.signal(SIGTERM)
        #expect(await watch.waitForExit(timeout: .seconds(10)) == 0)
        #expect(await Scrape.get(port: port, "/metrics") == nil, "the endpoint closes with the agent")
        await server.stop()
    }

    @Test func aPortInUseExitsThreeBeforeProbing() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/alpha": .ok(), "/beta": .ok()])
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server))
        // The target itself holds the port.
        let outcome = try await Binary.run(
            [
                "watch", "--headless", "--config", config, "--state", scratch.file("state.sqlite"),
                "--metrics-listen", "127.0.0.1:\(server.port)",
            ], timeout: .seconds(30))
        #expect(outcome.status == 3)
        #expect(
            outcome.stderr.contains("incidentboard: --metrics-listen 127.0.0.1:\(server.port): address in use"),
            "\(outcome.stderr)")
        #expect(server.requests.isEmpty, "no probe may run when the endpoint cannot start")
        await server.stop()
    }

    @Test(arguments: ["99999", "::1:9464", "host:"])
    func aBadListenValueIsAUsageError(value: String) async throws {
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", #"{"services": [{"name": "a"}]}"#)
        let outcome = try await Binary.run(
            [
                "watch", "--headless", "--config", config, "--state", scratch.file("s.sqlite"), "--metrics-listen",
                value,
            ],
            timeout: .seconds(30))
        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("--metrics-listen \(value):"), "\(outcome.stderr)")
    }

    @Test func aBadSiteIsAUsageError() async throws {
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", #"{"services": [{"name": "a"}]}"#)
        let outcome = try await Binary.run(
            [
                "watch", "--headless", "--config", config, "--state", scratch.file("s.sqlite"), "--site", "east west",
                "--metrics-listen", "9464",
            ],
            timeout: .seconds(30))
        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("--site"), "\(outcome.stderr)")
    }
}

/// A port nobody listens on right now (bound to port 0, then released).
enum FreePort {
    static func find() -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { return nil }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A scrape over a plain blocking socket, on a thread of its own (never on the cooperative pool).
enum Scrape {
    struct Response: Equatable {
        var status: Int
        var body: String
    }

    static func get(port: Int, _ path: String) async -> Response? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: blockingGet(port: port, path)) }
        }
    }

    private static func blockingGet(port: Int, _ path: String) -> Response? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return nil }
        // HTTP/1.0: the body ends with the connection, whatever its size.
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count
        else { return nil }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            received.append(contentsOf: buffer[0..<n])
        }
        guard let end = received.range(of: Data("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: received[received.startIndex..<end.lowerBound], as: UTF8.self)
        guard let status = head.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return nil }
        return Response(status: status, body: String(decoding: received[end.upperBound...], as: UTF8.self))
    }
}
