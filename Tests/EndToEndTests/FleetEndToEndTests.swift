import Foundation
import Probes
import ProbesPrometheus
import ProbesTesting
import Testing

/// The fleet view end to end: two agents (`watch --site east|west --metrics-listen`) probe the same
/// loopback estate, a real Prometheus scrapes both, and `check --source prometheus=URL` reads back
/// each site's state per service.
@Suite("fleet view through a real Prometheus (built binary)", .serialized)
struct FleetEndToEndTests {
    static let prometheusPath = "/usr/bin/prometheus"

    /// bureau (down upstream) ← loans (up); probes every second.
    static func config(_ server: LoopbackHTTPServer) -> String {
        """
        {
          "defaults": { "interval": "1s", "timeout": "900ms" },
          "services": [
            { "name": "bureau", "probe": { "type": "http", "url": "\(server.url("/bureau"))" } },
            { "name": "loans", "dependsOn": ["bureau"], "probe": { "type": "http", "url": "\(server.url("/loans"))" } }
          ]
        }
        """
    }

    static func prometheusConfig(targets: [Int]) -> String {
        """
        global:
          scrape_interval: 1s
          scrape_timeout: 900ms
          evaluation_interval: 1s
        scrape_configs:
          - job_name: incidentboard
            static_configs:
              - targets: [\(targets.map { "'127.0.0.1:\($0)'" }.joined(separator: ", "))]
        """
    }

    @Test func checkReadsBothSitesOfEveryServiceFromPrometheus() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.prometheusPath) else {
            let message =
                "\(Self.prometheusPath) not found: install the Debian package `prometheus` "
                + "(apt-get install prometheus) to run the fleet end-to-end test"
            Issue.record(Comment(rawValue: message))
            return
        }
        let server = try await LoopbackHTTPServer.start(routes: ["/bureau": .status(503), "/loans": .ok()])
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server))
        let eastPort = try #require(FreePort.find())
        let westPort = try #require(FreePort.find())
        let prometheusPort = try #require(FreePort.find())

        var agents: [RunningBinary] = []
        for (site, port) in [("east", eastPort), ("west", westPort)] {
            agents.append(
                try RunningBinary([
                    "watch", "--headless", "--format", "json", "--config", config,
                    "--state", scratch.file("\(site).sqlite"), "--site", site, "--metrics-listen", "127.0.0.1:\(port)",
                ]))
        }
        let prometheusConfig = try scratch.write(
            "prometheus.yml", Self.prometheusConfig(targets: [eastPort, westPort]))
        let prometheus = try ChildProcess(
            Self.prometheusPath,
            [
                "--config.file=\(prometheusConfig)", "--web.listen-address=127.0.0.1:\(prometheusPort)",
                "--storage.tsdb.path=\(scratch.file("tsdb"))", "--log.level=warn",
            ], log: scratch.file("prometheus.log"))
        defer {
            prometheus.stop()
            for agent in agents where agent.isRunning { agent.signal(SIGKILL) }
        }
        let url = "http://127.0.0.1:\(prometheusPort)"

        // Bounded wait until Prometheus has scraped both agents after their first probes.
        let endpoint = try PrometheusSource.Endpoint(parsing: url)
        let source = PrometheusSource(endpoint: endpoint, timeout: .seconds(2))
        var scraped = false
        var lastProblem = "none"
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            switch await source.read() {
            case .success(let reading):
                let complete = ["bureau", "loans"].allSatisfy { service in
                    let sites = reading.services[service] ?? []
                    return sites.map(\.state.site) == ["east", "west"]
                        && sites.allSatisfy { $0.state.status != .unknown }
                }
                if complete { scraped = true }
            case .failure(let problem):
                lastProblem = problem.message
            }
            if scraped || !prometheus.isRunning || agents.contains(where: { !$0.isRunning }) { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        await source.shutdown()
        guard scraped else {
            let agentErrors = agents.map { $0.stderrLines.suffix(3).joined(separator: " | ") }
            let message =
                "Prometheus never had both sites (last problem: \(lastProblem)); prometheus running: "
                + "\(prometheus.isRunning); log: \(prometheus.logTail()); agents' stderr: "
                + agentErrors.joined(separator: " // ")
            Issue.record(Comment(rawValue: message))
            await stopAll(agents, server: server)
            return
        }

        let check = try await Binary.run([
            "check", "--config", config, "--source", "prometheus=\(url)", "--format", "json",
        ])
        #expect(check.status == 2, "stderr: \(check.stderr)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any],
            "stdout: \(check.stdout)")
        #expect(json["status"] as? String == "critical")
        #expect(json["source"] as? String == "prometheus \(url)")
        let services = try #require(json["services"] as? [[String: Any]])
        func sites(_ name: String) throws -> [[String: Any]] {
            let service = try #require(services.first { $0["name"] as? String == name }, "no \(name) in \(services)")
            return try #require(service["sites"] as? [[String: Any]], "no sites for \(name)")
        }
        let bureau = try #require(services.first { $0["name"] as? String == "bureau" })
        #expect(bureau["status"] as? String == "down")
        #expect(bureau["rootCauses"] as? [String] == ["bureau"])
        #expect(try sites("bureau").map { $0["site"] as? String } == ["east", "west"])
        #expect(try sites("bureau").map { $0["status"] as? String } == ["down", "down"])
        #expect(try sites("bureau").map { $0["httpStatus"] as? Int } == [503, 503])
        let loans = try #require(services.first { $0["name"] as? String == "loans" })
        #expect(loans["status"] as? String == "up")
        #expect(try sites("loans").map { $0["site"] as? String } == ["east", "west"])
        #expect(try sites("loans").map { $0["status"] as? String } == ["up", "up"])
        #expect(try sites("loans").allSatisfy { ($0["latencyMs"] as? Double).map { $0 >= 0 } == true })
        let incidents = try #require(json["incidents"] as? [[String: Any]])
        #expect(incidents.first?["rootCause"] as? String == "bureau")

        // The text form has a line per site.
        let text = try await Binary.run(["check", "--config", config, "--source", "prometheus=\(url)"])
        #expect(text.status == 2)
        #expect(text.stdout.contains("@east") && text.stdout.contains("@west"), "\(text.stdout)")

        // `watch --source`: the fleet monitor pages for the root cause.
        let watch = try RunningBinary([
            "watch", "--headless", "--format", "json", "--config", config,
            "--source", "prometheus=\(url)",
        ])
        let firing = await watch.waitForLine(timeout: .seconds(40)) { line in
            line.contains("\"event\":\"firing\"") && line.contains("\"service\":\"bureau\"")
        }
        #expect(firing != nil, "stdout: \(watch.stdoutLines) stderr: \(watch.stderrLines)")
        watch.signal(SIGTERM)
        #expect(await watch.waitForExit() == 0)

        await stopAll(agents, server: server)
    }

    private func stopAll(_ agents: [RunningBinary], server: LoopbackHTTPServer) async {
        for agent in agents { agent.signal(SIGTERM) }
        for agent in agents { _ = await agent.waitForExit() }
        await server.stop()
    }

    @Test func anUnreachablePrometheusIsUnknownAndCredentialsStaySecret() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/bureau": .ok(), "/loans": .ok()])
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server))
        let closed = try #require(FreePort.find())
        for format in ["json", "text", "nagios"] {
            let outcome = try await Binary.run([
                "check", "--config", config, "--format", format,
                "--source", "prometheus=http://ops:hunter22@127.0.0.1:\(closed)",
            ])
            #expect(outcome.status == 3, "\(format): \(outcome.stdout) \(outcome.stderr)")
            #expect(
                outcome.stderr.contains("incidentboard: prometheus http://127.0.0.1:\(closed): connection refused"),
                "\(outcome.stderr)")
            #expect(!(outcome.stdout + outcome.stderr).contains("hunter22"))
            if format == "json" {
                let json = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]
                #expect(json?["status"] as? String == "unknown")
            }
        }
        await server.stop()
    }

    /// A fleet view probes and records nothing: options of local probing are refused by name
    /// rather than silently ignored, before anything is read or written.
    @Test func optionsOfLocalProbingAreRefusedWithASource() async throws {
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", #"{"services": [{"name": "a"}]}"#)
        let state = scratch.file("history.sqlite")
        let source = ["--source", "prometheus=http://127.0.0.1:1"]
        let cases: [(command: String, extra: [String], option: String)] = [
            ("watch", ["--metrics-listen", "127.0.0.1:0"], "--metrics-listen"),
            ("watch", ["--state", state], "--state"),
            ("watch", ["--concurrency", "4"], "--concurrency"),
            ("dashboard", ["--metrics-listen", "127.0.0.1:0"], "--metrics-listen"),
            ("dashboard", ["--state", state], "--state"),
        ]
        for (command, extra, option) in cases {
            let outcome = try await Binary.run([command, "--config", config] + source + extra)
            #expect(outcome.status == 3, "\(command) \(extra)")
            #expect(outcome.stderr.hasPrefix("incidentboard: \(option) "), "\(outcome.stderr)")
            #expect(outcome.stderr.contains("--source"))
        }
        #expect(!FileManager.default.fileExists(atPath: state))
    }

    @Test func aSourceThatIsNotAnHTTPURLIsAUsageError() async throws {
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", #"{"services": [{"name": "a"}]}"#)
        for source in ["prometheus=ftp://ops:hunter22@127.0.0.1:1", "graphite=http://127.0.0.1:1"] {
            for command in ["check", "watch"] {
                let outcome = try await Binary.run([command, "--config", config, "--source", source])
                #expect(outcome.status == 3)
                #expect(outcome.stderr.hasPrefix("incidentboard: --source: "), "\(outcome.stderr)")
                #expect(!outcome.stderr.contains("hunter22"))
            }
        }
    }
}

/// A helper process (Prometheus) with its output in a log file; stopped with SIGTERM, then SIGKILL.
final class ChildProcess: Sendable {
    private let process: Process
    private let logPath: String

    init(_ path: String, _ arguments: [String], log: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        logPath = log
    }

    var isRunning: Bool { process.isRunning }

    /// The last lines of its log, for a failure message.
    func logTail() -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(5).joined(separator: " | ")
    }

    /// SIGTERM, up to 10 s to exit, then SIGKILL.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
