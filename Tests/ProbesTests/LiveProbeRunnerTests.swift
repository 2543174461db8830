import Foundation
import ProbesTesting
import Testing

@testable import Probes

@Suite("Live probe runner")
struct LiveProbeRunnerTests {
    /// The agent's probes share one event loop; a check spreads them over every loop. On the one
    /// loop, probes in flight together all complete, each on a connection of its own.
    @Test func anAgentRunsEveryProbeOnOneEventLoopAndACheckOnAll() async throws {
        let one = Array(LiveProbeRunner.Loops.one.group.makeIterator())
        let all = Array(LiveProbeRunner.Loops.all.group.makeIterator())
        #expect(one.count == 1)
        #expect(all.count >= 1 && all.contains { $0 === one[0] })

        let server = try await LoopbackHTTPServer.start(routes: ["/health": .ok()])
        let config = try ConfigLoader.load(
            data: Data(
                // A threshold just under the 5 s timeout: a loaded machine must not make a probe "slow".
                #"{"slo": {"latency": {"threshold": "4s"}}, "services": [{"name": "svc", "probe": {"type": "http", "url": "\#(server.url("/health"))"}}]}"#
                    .utf8),
            displayName: "test", environment: [:])
        let service = try #require(config.services.first)
        let runner = LiveProbeRunner(configuration: config, loops: .one)
        let statuses = await withTaskGroup(of: ProbeStatus.self) { group in
            for _ in 0..<16 { group.addTask { await runner.run(service, startedAt: Date()).status } }
            return await group.reduce(into: [ProbeStatus]()) { $0.append($1) }
        }
        await runner.shutdown()
        await server.stop()
        #expect(statuses == Array(repeating: .up, count: 16))
        #expect(server.acceptedConnections == 16)
    }

    private static func service(
        _ kind: ProbeKind?, threshold: Duration = .seconds(30), timeout: Duration = .seconds(30)
    ) -> ServiceConfig {
        var slo = SLOPolicy.standard
        slo.latency.threshold = threshold
        let probe = kind.map { ProbeConfig(kind: $0, interval: .seconds(60), timeout: timeout) }
        return ServiceConfig(name: "svc", probe: probe, slo: slo)
    }

    /// Runs `body` with a runner that is shut down afterwards.
    private static func withRunner(
        redactor: Redactor = Redactor(), _ body: (LiveProbeRunner) async throws -> Void
    ) async rethrows {
        let runner = LiveProbeRunner(redactor: redactor)
        do {
            try await body(runner)
            await runner.shutdown()
        } catch {
            await runner.shutdown()
            throw error
        }
    }

    @Test func serviceWithoutProbeIsUnknown() async {
        let started = Date(timeIntervalSince1970: 1_000)
        await Self.withRunner { runner in
            let result = await runner.run(Self.service(nil), startedAt: started)
            #expect(result.status == .unknown)
            #expect(result.error == "no probe")
            #expect(result.startedAt == started)
            #expect(result.service == "svc")
        }
    }

    @Test func httpProbeIsDispatched() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/health": .ok()])
        let started = Date()
        await Self.withRunner { runner in
            let service = Self.service(.http(HTTPProbe(url: server.url("/health"))))
            let result = await runner.run(service, startedAt: started)
            #expect(result.status == .up)
            #expect(result.httpStatus == 200)
            #expect(result.startedAt == started)
        }
        await server.stop()
        #expect(server.requests.count == 1)
    }

    @Test func tcpProbeIsDispatched() async throws {
        let listener = try await LoopbackTCPListener.start()
        await Self.withRunner { runner in
            let result = await runner.run(
                Self.service(.tcp(TCPProbe(host: "127.0.0.1", port: listener.port))), startedAt: Date())
            #expect(result.status == .up)
        }
        #expect(await eventually { listener.acceptedConnections == 1 })
        await listener.stop()
    }

    @Test func commandProbeIsDispatched() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/bin/sh"))
        await Self.withRunner { runner in
            let ok = await runner.run(
                Self.service(.command(CommandProbe(argv: ["/bin/sh", "-c", "echo OK; exit 0"]))),
                startedAt: Date())
            #expect(ok.status == .up)
            let critical = await runner.run(
                Self.service(.command(CommandProbe(argv: ["/bin/sh", "-c", "echo CRITICAL - gone; exit 2"]))),
                startedAt: Date())
            #expect(critical.status == .down)
        }
    }

    @Test func commandOverItsTimeoutIsDownOnTime() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/bin/sh"))
        await Self.withRunner { runner in
            let service = Self.service(
                .command(CommandProbe(argv: ["/bin/sh", "-c", "sleep 5"])),
                timeout: .milliseconds(500))
            let (result, waited, allowed) = await measureAgainstDeadline(.milliseconds(500)) {
                await runner.run(service, startedAt: Date())
            }
            #expect(result.status == .down)
            #expect(result.failure == .timeout)
            #expect(result.error == "timeout after 500 ms")
            // The command checker's own timeout, or at worst the runner's backstop 250 ms later.
            #expect(waited <= allowed + .milliseconds(250))
        }
    }

    @Test func upButSlowerThanTheThresholdIsDegraded() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/": .status(200, delay: .milliseconds(120))])
        await Self.withRunner { runner in
            let probe = HTTPProbe(url: server.url("/"))
            let result = await runner.run(Self.service(.http(probe), threshold: .milliseconds(50)), startedAt: Date())
            #expect(result.status == .degraded)
            #expect(result.failure == nil)
            let error = result.error ?? ""
            #expect(error.hasPrefix("slow: "))
            #expect(error.hasSuffix(" ms over 50 ms threshold"))
            let shown = Int(error.dropFirst("slow: ".count).prefix { $0.isNumber }) ?? 0
            #expect(shown >= 120)
        }
        await server.stop()
    }

    @Test func downStaysDownWhenAlsoSlow() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/": .status(503, delay: .milliseconds(80))])
        await Self.withRunner { runner in
            let result = await runner.run(
                Self.service(.http(HTTPProbe(url: server.url("/"))), threshold: .milliseconds(10)), startedAt: Date())
            #expect(result.status == .down)
            #expect(result.error == "HTTP 503")
        }
        await server.stop()
    }

    @Test func errorTextsAreRedacted() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/": .status(503)])
        await Self.withRunner(redactor: Redactor(secrets: ["503"])) { runner in
            let result = await runner.run(Self.service(.http(HTTPProbe(url: server.url("/")))), startedAt: Date())
            #expect(result.error == "HTTP ***")
            #expect(result.httpStatus == 503)
        }
        await server.stop()
    }

    @Test func configurationRedactorIsUsed() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/": .status(404)])
        let service = Self.service(.http(HTTPProbe(url: server.url("/"))))
        let configuration = ProbesConfig(
            defaults: .standard, slo: .standard, services: [service], redactor: Redactor(secrets: ["HTTP 404"]))
        let runner = LiveProbeRunner(configuration: configuration)
        let result = await runner.run(service, startedAt: Date())
        await runner.shutdown()
        await server.stop()
        #expect(result.error == "***")
    }
}
