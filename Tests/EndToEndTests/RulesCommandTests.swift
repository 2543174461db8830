import Foundation
import Probes
import ProbesPrometheus
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The Prometheus and Alertmanager tools these tests run. A missing tool fails the test with the
/// Debian package to install: the rules are only proven by the real parsers.
enum RulesTool {
    struct Missing: Error {}

    static func require(_ name: String, package: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in ["/usr/bin"] + path.split(separator: ":").map(String.init) {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        Issue.record("\(name) not found: install the Debian package `\(package)` (apt-get install \(package))")
        throw Missing()
    }

    static func promtool() throws -> String { try require("promtool", package: "prometheus") }
    static func amtool() throws -> String { try require("amtool", package: "prometheus-alertmanager") }
    static func alertmanager() throws -> String {
        try require("prometheus-alertmanager", package: "prometheus-alertmanager")
    }

    /// Runs a tool to completion; its pipes are read on threads of their own.
    static func run(
        _ executable: String, _ arguments: [String], directory: String? = nil,
        timeout: Duration = .seconds(600)
    ) async throws -> Binary.Outcome {
        try await Binary.run(executable, arguments, directory: directory, timeout: timeout)
    }
}

/// Configs for the rules tests.
enum RulesConfigs {
    static let repositoryConfig = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("probes.json").path

    /// One entry of a generated estate.
    struct Entry {
        var name: String
        var dependsOn: [String]
        var probed: Bool
    }

    /// A deterministic estate of `count` entries: 30 upstreams (every fifth declared without a
    /// probe), then services whose names contain dots, each depending on one to three earlier
    /// entries, so the graph is a deep DAG with shared upstreams.
    static func estate(count: Int) -> [Entry] {
        var entries: [Entry] = []
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        for i in 0..<min(30, count) {
            entries.append(Entry(name: String(format: "up-%02d", i), dependsOn: [], probed: i % 5 != 4))
        }
        for i in entries.count..<count {
            var upstreams: [String] = []
            for _ in 0...next(3) {
                let name = entries[next(entries.count)].name
                if !upstreams.contains(name) { upstreams.append(name) }
            }
            entries.append(Entry(name: String(format: "svc-%03d.api", i), dependsOn: upstreams, probed: true))
        }
        return entries
    }

    static func json(_ entries: [Entry]) throws -> String {
        let services: [[String: Any]] = entries.map { entry in
            var service: [String: Any] = ["name": entry.name]
            if !entry.dependsOn.isEmpty { service["dependsOn"] = entry.dependsOn }
            if entry.probed {
                service["probe"] = ["type": "tcp", "host": "127.0.0.1", "port": 9]
            }
            return service
        }
        let object: [String: Any] = [
            "defaults": ["interval": "15s", "timeout": "3s"],
            "slo": ["objective": 99.9, "window": "30d"],
            "services": services,
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// Probed transitive dependents of every entry, worked out here by a plain search (not by
    /// the graph code the generator uses).
    static func probedDependents(_ entries: [Entry]) -> [String: Set<String>] {
        var direct: [String: [String]] = [:]
        for entry in entries {
            for upstream in entry.dependsOn { direct[upstream, default: []].append(entry.name) }
        }
        let probed = Set(entries.filter(\.probed).map(\.name))
        var out: [String: Set<String>] = [:]
        for entry in entries {
            var seen = Set<String>()
            var stack = direct[entry.name] ?? []
            while let name = stack.popLast() {
                guard seen.insert(name).inserted else { continue }
                stack += direct[name] ?? []
            }
            out[entry.name] = seen.intersection(probed)
        }
        return out
    }
}

@Suite("rules command (built binary)")
struct RulesCommandTests {
    /// Runs `rules --output-dir` and checks both files with promtool and amtool.
    private func generateAndCheck(config: String, in scratch: Scratch) async throws -> (rules: String, am: String) {
        let promtool = try RulesTool.promtool()
        let amtool = try RulesTool.amtool()
        let outcome = try await Binary.run(["rules", "--output-dir", scratch.file("out"), "--config", config])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.isEmpty)
        let rulesPath = scratch.file("out/incidentboard.rules.yml")
        let amPath = scratch.file("out/alertmanager.yml")
        let lines = outcome.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(lines)")
        #expect(lines.first?.hasPrefix("incidentboard: wrote \(rulesPath): ") == true, "\(lines)")
        #expect(lines.last?.hasPrefix("incidentboard: wrote \(amPath): ") == true, "\(lines)")

        let check = try await RulesTool.run(promtool, ["check", "rules", "--lint=all", "--lint-fatal", rulesPath])
        #expect(check.status == 0, "promtool check rules:\n\(check.stdout)\n\(check.stderr)")
        #expect(check.stdout.contains("SUCCESS"), "\(check.stdout)")
        let amCheck = try await RulesTool.run(amtool, ["check-config", amPath])
        #expect(amCheck.status == 0, "amtool check-config:\n\(amCheck.stdout)\n\(amCheck.stderr)")
        #expect(amCheck.stdout.contains("SUCCESS"), "\(amCheck.stdout)")
        return (
            try String(contentsOfFile: rulesPath, encoding: .utf8),
            try String(contentsOfFile: amPath, encoding: .utf8)
        )
    }

    @Test func repositoryConfigPassesPromtoolAndAmtool() async throws {
        let scratch = try Scratch()
        let (rules, am) = try await generateAndCheck(config: RulesConfigs.repositoryConfig, in: scratch)
        #expect(rules.contains("GENERATED by `incidentboard rules` from \(RulesConfigs.repositoryConfig)"))
        // 28 d window: the Workbook's shares scaled (2 %, 5 %, 10 %).
        #expect(rules.contains(">= (13.44 * 0.001)") && rules.contains(">= (5.6 * 0.001)"))
        #expect(
            rules.contains(
                "slo:sli_error:ratio_rate3d{service=\"loan-application\",sli=\"availability\"} >= "
                    + "(0.933333333333 * 0.005)"))
        // open-banking has no probe: no rules for it, and it inhibits nothing.
        #expect(!rules.contains("service=\"open-banking\""))
        #expect(!am.contains("'service=\"open-banking\"'"))
        #expect(
            am.contains(
                """
                  - source_matchers:
                      - 'service="credit-bureau"'
                      - 'severity=~"critical|page"'
                    target_matchers:
                      - 'service=~"loan-application|card-issuance|account-opening"'
                """))
    }

    @Test func aLargeGeneratedEstatePassesAndInhibitsTheTransitiveDependents() async throws {
        let scratch = try Scratch()
        let entries = RulesConfigs.estate(count: 400)
        let config = try scratch.write("probes.json", try RulesConfigs.json(entries))
        let (rules, am) = try await generateAndCheck(config: config, in: scratch)
        let probed = entries.filter(\.probed)
        #expect(rules.components(separatedBy: "\n  - name: ").count - 1 == probed.count)
        // Each inhibit rule pair lists exactly the probed transitive dependents, dots escaped
        // (after the one rule of the board's role model).
        let dependents = RulesConfigs.probedDependents(entries)
        let sources = probed.filter { !(dependents[$0.name] ?? []).isEmpty }
        #expect(am.components(separatedBy: "- source_matchers:").count - 1 == 2 * sources.count + 1)
        let lines = am.split(separator: "\n").map(String.init)
        for source in sources {
            let at = try #require(lines.firstIndex(of: "      - 'service=\"\(source.name)\"'"), "\(source.name)")
            let target = lines[at + 3]
            let prefix = "      - 'service=~\""
            #expect(target.hasPrefix(prefix) && target.hasSuffix("\"'"), "\(target)")
            let listed = target.dropFirst(prefix.count).dropLast(2).split(separator: "|")
                .map { $0.replacingOccurrences(of: "\\\\.", with: ".") }
            #expect(Set(listed) == dependents[source.name], "\(source.name)")
            #expect(listed.allSatisfy { !$0.contains("\\") })
        }
        #expect(sources.contains { $0.name == "up-00" })
    }

    @Test func withoutOutputDirTheRulesGoToStdout() async throws {
        let scratch = try Scratch()
        let outcome = try await Binary.run(["rules", "--config", RulesConfigs.repositoryConfig])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.isEmpty)
        let written = try await Binary.run([
            "rules", "--config", RulesConfigs.repositoryConfig,
            "--output-dir", scratch.file("nested/dir"),
        ])
        #expect(written.status == 0, "\(written.stderr)")
        let file = try String(contentsOfFile: scratch.file("nested/dir/incidentboard.rules.yml"), encoding: .utf8)
        #expect(outcome.stdout == file)
        #expect(FileManager.default.fileExists(atPath: scratch.file("nested/dir/alertmanager.yml")))
    }

    @Test func anOutputDirThatIsAFileIsRefused() async throws {
        let scratch = try Scratch()
        let path = try scratch.write("taken", "keep me\n")
        let outcome = try await Binary.run(["rules", "--config", RulesConfigs.repositoryConfig, "--output-dir", path])
        #expect(outcome.status == 3)
        #expect(outcome.stderr == "incidentboard: \(path): exists and is not a directory\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me\n")
        let below = try await Binary.run([
            "rules", "--config", RulesConfigs.repositoryConfig,
            "--output-dir", path + "/sub",
        ])
        #expect(below.status == 3)
        #expect(below.stderr.hasPrefix("incidentboard: \(path): "), "\(below.stderr)")
    }

    @Test func aFailedWriteLeavesNeitherHalfAFileNorATemporary() async throws {
        let scratch = try Scratch()
        let out = scratch.file("out")
        // The rules file's name is taken by a directory, so its rename fails (even for root).
        try FileManager.default.createDirectory(
            atPath: out + "/incidentboard.rules.yml",
            withIntermediateDirectories: true)
        let outcome = try await Binary.run(["rules", "--config", RulesConfigs.repositoryConfig, "--output-dir", out])
        #expect(outcome.status == 3)
        #expect(outcome.stderr.hasPrefix("incidentboard: \(out)/incidentboard.rules.yml: "), "\(outcome.stderr)")
        #expect(outcome.stderr.split(separator: "\n").count == 1)
        let left = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(left == ["incidentboard.rules.yml"], "\(left)")
    }

    @Test func anInvalidConfigExits3WithErrorLines() async throws {
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", #"{"services": [{"name": "a", "dependsOn": ["nope"]}]}"#)
        let outcome = try await Binary.run(["rules", "--config", config, "--output-dir", scratch.file("out")])
        #expect(outcome.status == 3)
        #expect(outcome.stdout.isEmpty)
        for line in outcome.stderr.split(separator: "\n") { #expect(line.hasPrefix("incidentboard: \(config): ")) }
        #expect(!FileManager.default.fileExists(atPath: scratch.file("out")))
        let missing = try await Binary.run(["rules", "--config", scratch.file("absent.json")])
        #expect(missing.status == 3)
        #expect(missing.stderr.hasPrefix("incidentboard: \(scratch.file("absent.json")): "), "\(missing.stderr)")
    }
}

/// A real Alertmanager on loopback, started with a generated config.
final class RulesAlertmanager: Sendable {
    private let process: Process
    private let log = LineBox()
    let port: Int

    /// - Parameter port: where to listen; 0 for a free port (a restarted one reuses its old port).
    init(config: String, storage: String, port listenPort: Int = 0) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try RulesTool.alertmanager())
        // Port 0: the kernel picks a free port, which Alertmanager logs; clustering off.
        process.arguments = [
            "--config.file=" + config, "--storage.path=" + storage,
            "--web.listen-address=127.0.0.1:\(listenPort)", "--cluster.listen-address=",
        ]
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        self.process = process
        try process.run()
        let handle = err.fileHandleForReading
        let box = log
        Thread.detachNewThread {
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                box.lines.withLock { $0.append(String(decoding: chunk, as: UTF8.self)) }
            }
        }
        var found: Int?
        let deadline = ContinuousClock.now + .seconds(30)
        while found == nil && ContinuousClock.now < deadline && process.isRunning {
            let text = log.lines.withLock { $0.joined() }
            let listening = #"msg="Listening on" address=127\.0\.0\.1:[0-9]+"#
            if let range = text.range(of: listening, options: .regularExpression),
                let colon = text[range].lastIndex(of: ":")
            {
                found = Int(text[range][text.index(after: colon)...])
            }
            if found == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        port = found ?? 0
        if found == nil {
            process.terminate()
            Issue.record("alertmanager did not start:\n\(log.lines.withLock { $0.joined() })")
            throw RulesTool.Missing()
        }
    }

    var logText: String { log.lines.withLock { $0.joined() } }

    func request(_ method: String, _ path: String, body: Data? = nil) async throws -> Data {
        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)\(path)")))
        request.httpMethod = method
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        #expect(status == 200, "\(method) \(path): \(status) \(String(decoding: data, as: UTF8.self))")
        return data
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

@Suite("rules command: inhibition in a real Alertmanager")
struct RulesInhibitionTests {
    /// Posts alerts to an Alertmanager running the generated config and reads back which are
    /// inhibited: a root's page mutes its transitive dependents (dotted names, regex-escaped),
    /// not a look-alike name nor an unrelated service; a root's ticket mutes tickets only.
    @Test func anUpstreamsAlertInhibitsItsTransitiveDependents() async throws {
        let scratch = try Scratch()
        let entries = RulesConfigs.estate(count: 400)
        let config = try scratch.write("probes.json", try RulesConfigs.json(entries))
        let outcome = try await Binary.run(["rules", "--output-dir", scratch.file("out"), "--config", config])
        #expect(outcome.status == 0, "\(outcome.stderr)")

        let dependents = RulesConfigs.probedDependents(entries)
        let root = "up-00"
        let rootDependents = try #require(dependents[root])
        let dependent = try #require(rootDependents.sorted().first { $0.contains(".") })
        let lookAlike = dependent.replacingOccurrences(of: ".", with: "x")
        let probed = entries.filter(\.probed).map(\.name)
        let ticketRoot = try #require(
            probed.first {
                $0 != root && !rootDependents.contains($0)
                    && !(dependents[$0] ?? []).subtracting(rootDependents).isEmpty
            })
        let ticketVictims = (dependents[ticketRoot] ?? []).subtracting(rootDependents).subtracting([root]).sorted()
        let pagedVictim = try #require(ticketVictims.first)
        let ticketVictim = try #require(ticketVictims.last)
        // Neither inhibited by nor inhibiting any other posted alert.
        let others = [root, dependent, ticketRoot, pagedVictim, ticketVictim]
        let unrelated = try #require(
            probed.first { name in
                !others.contains(name) && others.allSatisfy { !(dependents[$0] ?? []).contains(name) }
                    && (dependents[name] ?? []).isDisjoint(with: others)
            })

        func alert(_ name: String, _ service: String, _ severity: String) -> [String: Any] {
            ["labels": ["alertname": name, "service": service, "severity": severity]]
        }
        let posted: [[String: Any]] = [
            alert("IncidentBoardDown", root, "critical"),
            alert("IncidentBoardBurnRate", dependent, "page"),
            alert("IncidentBoardBurnRate", lookAlike, "page"),
            alert("IncidentBoardBurnRate", unrelated, "page"),
            alert("IncidentBoardBurnRate", ticketRoot, "ticket"),
            alert("IncidentBoardDown", pagedVictim, "critical"),
            alert("IncidentBoardBurnRate", ticketVictim, "ticket"),
        ]
        let alertmanager = try await RulesAlertmanager(
            config: scratch.file("out/alertmanager.yml"),
            storage: scratch.file("am"))
        defer { alertmanager.stop() }
        _ = try await alertmanager.request(
            "POST", "/api/v2/alerts",
            body: try JSONSerialization.data(withJSONObject: posted))
        let data = try await alertmanager.request("GET", "/api/v2/alerts")
        let alerts = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        var inhibited: [String: Bool] = [:]
        for alert in alerts {
            let labels = alert["labels"] as? [String: String] ?? [:]
            let status = alert["status"] as? [String: Any] ?? [:]
            let key = (labels["service"] ?? "") + "/" + (labels["severity"] ?? "")
            inhibited[key] = !((status["inhibitedBy"] as? [Any]) ?? []).isEmpty
        }
        let expected: [String: Bool] = [
            root + "/critical": false,
            dependent + "/page": true,
            lookAlike + "/page": false,
            unrelated + "/page": false,
            ticketRoot + "/ticket": false,
            pagedVictim + "/critical": false,
            ticketVictim + "/ticket": true,
        ]
        #expect(inhibited == expected, "\(alertmanager.logText)")
    }
}

/// The generated alerts evaluated by Prometheus's own rule engine (`promtool test rules`) on
/// synthetic counters, against the SRE Workbook's detection-time formula
/// t = factor × (1 − SLO) ÷ error ratio × long window.
@Suite("rules command: alert timing in promtool")
struct RulesTimingTests {
    static let config = """
        {"defaults": {"interval": "15s", "timeout": "3s"},
         "slo": {"objective": 99.9, "window": "30d"},
         "services": [{"name": "checkout", "title": "결제 (checkout)",
                       "probe": {"type": "tcp", "host": "127.0.0.1", "port": 9}}]}
        """

    /// The series of one site, sampled every `step`: healthy (one good probe per sample) for
    /// `healthy` samples, then every probe failing for `failing` samples.
    static func series(site: String, healthy: Int, failing: Int) -> [[String: String]] {
        func name(_ metric: String, _ sli: String) -> String {
            "\(metric){service=\"checkout\",site=\"\(site)\",sli=\"\(sli)\"}"
        }
        let total = healthy + failing
        return [
            ["series": name("incidentboard_sli_events_total", "availability"), "values": "0+1x\(total)"],
            [
                "series": name("incidentboard_sli_errors_total", "availability"),
                "values": "0x\(healthy) 1+1x\(failing - 1)",
            ],
            // Latency counts only available probes: none once everything fails.
            [
                "series": name("incidentboard_sli_events_total", "latency"),
                "values": "0+1x\(healthy) \(healthy)x\(failing - 1)",
            ],
            ["series": name("incidentboard_sli_errors_total", "latency"), "values": "0x\(total)"],
            [
                "series": "probe_success{service=\"checkout\",site=\"\(site)\"}",
                "values": "1x\(healthy) 0x\(failing - 1)",
            ],
        ]
    }

    /// The alert promtool must report for a burn-rate rule of the config: its labels and the
    /// annotations the generator wrote (plain text here, so the template expands to itself).
    static func burnRate(_ rule: String, rules: PrometheusRules) throws -> [String: Any] {
        let alert = try #require(
            rules.rules.first {
                $0.name == PrometheusRules.burnRateAlert && $0.label("rule") == rule
                    && $0.label("sli") == "availability"
            })
        return expected(alert)
    }

    static func expected(_ alert: PrometheusRules.Rule) -> [String: Any] {
        var labels: [String: String] = [:]
        for label in alert.labels { labels[label.name] = label.value }
        var annotations: [String: String] = [:]
        for note in alert.annotations { annotations[note.name] = note.value }
        return ["exp_labels": labels, "exp_annotations": annotations]
    }

    static func check(_ at: Int, _ alertname: String, _ alerts: [[String: Any]]) -> [String: Any] {
        ["eval_time": "\(at)s", "alertname": alertname, "exp_alerts": alerts]
    }

    /// Writes the unit-test file (JSON, which YAML reads as it is) and runs `promtool test rules`.
    static func promtoolTest(_ tests: [String: Any], in directory: String, name: String) async throws
        -> Binary.Outcome
    {
        let promtool = try RulesTool.promtool()
        var file = tests
        file["rule_files"] = ["incidentboard.rules.yml"]
        let data = try JSONSerialization.data(withJSONObject: file, options: [.sortedKeys, .withoutEscapingSlashes])
        try data.write(to: URL(fileURLWithPath: directory + "/" + name))
        return try await RulesTool.run(promtool, ["test", "rules", name], directory: directory)
    }

    static func generate(in scratch: Scratch) async throws -> (directory: String, rules: PrometheusRules) {
        let path = try scratch.write("probes.json", config)
        let outcome = try await Binary.run(["rules", "--config", path, "--output-dir", scratch.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        // The same rules in process, for the annotations promtool compares.
        let rules = PrometheusRules(config: try ConfigLoader.load(contentsOf: path), source: path)
        return (scratch.path, rules)
    }

    /// 30 d at 99.9 %, probes and samples every 15 s, evaluated every 15 s, 6 h healthy, then
    /// every probe failing from t₀ = 6 h.
    ///
    /// In these series rate() is exact: every window [t − W, t] starts on a sample, so nothing
    /// is extrapolated at its end, and the errors counter is still 0 at the window's start, so
    /// Prometheus does not extrapolate it before its first sample either. After n failed probes
    /// (t = t₀ + 15n s) the error ratio over W is n ÷ (W ÷ 15 s): the true ratio of a 100 %
    /// outage that began at t₀. The formula's detection times are met at the first sample at or
    /// after them:
    /// - page 1h/5m, 14.4 × 0.001: n ÷ 240 ≥ 0.0144 from n = 3.456, formula 51.84 s; quiet at
    ///   t₀ + 45 s (n = 3), firing at t₀ + 60 s (n = 4). The 5 m window passes at n = 1.
    /// - page 6h/30m, 6 × 0.001: n ÷ 1440 ≥ 0.006 from n = 8.64, formula 129.6 s; quiet at
    ///   t₀ + 120 s, firing at t₀ + 135 s.
    /// - ticket 3d/6h, 1 × 0.001: only 6 h of history exist, so the 3 d window holds
    ///   1440 + n probes and its ratio is n ÷ (1440 + n) ≥ 0.001 from n = 2 (t₀ + 30 s); the
    ///   local engine, too, reads a long window over whatever history it has once that spans the
    ///   short window. `ticketWithThreeDaysOfHistory` times the ticket on a full window.
    /// - down, `for: 30s` (downAfter 2 × 15 s): probe_success is 0 from t₀ + 15 s, so it is
    ///   pending there and firing from t₀ + 45 s, one probe interval after the local engine,
    ///   which fires on the second failed probe (t₀ + 30 s).
    @Test func pageAlertsFireWhenTheFormulaSays() async throws {
        let scratch = try Scratch()
        let (directory, rules) = try await Self.generate(in: scratch)
        let t0 = 6 * 3600
        let page1h = try Self.burnRate("page-1h", rules: rules)
        let page6h = try Self.burnRate("page-6h", rules: rules)
        let ticket = try Self.burnRate("ticket-3d", rules: rules)
        let down = Self.expected(try #require(rules.rules.first { $0.name == PrometheusRules.downAlert }))
        let burn = PrometheusRules.burnRateAlert
        let input: [[String: String]] =
            Self.series(site: "a", healthy: t0 / 15, failing: 20)
            + Self.series(site: "b", healthy: t0 / 15, failing: 20)
        let tests: [String: Any] = [
            "evaluation_interval": "15s",
            "tests": [
                [
                    "interval": "15s",
                    "input_series": input,
                    "alert_rule_test": [
                        Self.check(t0, burn, []),
                        Self.check(t0 + 15, burn, []),
                        Self.check(t0 + 30, burn, [ticket]),
                        Self.check(t0 + 45, burn, [ticket]),
                        Self.check(t0 + 60, burn, [ticket, page1h]),
                        Self.check(t0 + 120, burn, [ticket, page1h]),
                        Self.check(t0 + 135, burn, [ticket, page1h, page6h]),
                        Self.check(t0 + 15, PrometheusRules.downAlert, []),
                        Self.check(t0 + 30, PrometheusRules.downAlert, []),
                        Self.check(t0 + 45, PrometheusRules.downAlert, [down]),
                    ],
                ]
            ],
        ]
        let outcome = try await Self.promtoolTest(tests, in: directory, name: "page-test.yml")
        #expect(outcome.status == 0, "promtool test rules:\n\(outcome.stdout)\n\(outcome.stderr)")
        #expect(outcome.stdout.contains("SUCCESS"), "\(outcome.stdout)")
    }

    /// The same outage, sampled and evaluated every minute after 3 full days of health, so the
    /// ticket's 3 d window is full: n ÷ 4320 ≥ 0.001 from n = 4.32 failed minutes, formula
    /// 259.2 s; quiet at t₀ + 4 m, firing at t₀ + 5 m. (At this resolution the pages fire at
    /// the first sample past their formula times: 1 m for 51.8 s, 3 m for 129.6 s.)
    @Test func ticketWithThreeDaysOfHistory() async throws {
        let scratch = try Scratch()
        let (directory, rules) = try await Self.generate(in: scratch)
        let t0 = 3 * 86_400
        let page1h = try Self.burnRate("page-1h", rules: rules)
        let page6h = try Self.burnRate("page-6h", rules: rules)
        let ticket = try Self.burnRate("ticket-3d", rules: rules)
        let burn = PrometheusRules.burnRateAlert
        let input: [[String: String]] = Self.series(site: "a", healthy: t0 / 60, failing: 6)
        let tests: [String: Any] = [
            "evaluation_interval": "1m",
            "tests": [
                [
                    "interval": "1m",
                    "input_series": input,
                    "alert_rule_test": [
                        Self.check(t0, burn, []),
                        Self.check(t0 + 60, burn, [page1h]),
                        Self.check(t0 + 120, burn, [page1h]),
                        Self.check(t0 + 180, burn, [page1h, page6h]),
                        Self.check(t0 + 240, burn, [page1h, page6h]),
                        Self.check(t0 + 300, burn, [page1h, page6h, ticket]),
                    ],
                ]
            ],
        ]
        let outcome = try await Self.promtoolTest(tests, in: directory, name: "ticket-test.yml")
        #expect(outcome.status == 0, "promtool test rules:\n\(outcome.stdout)\n\(outcome.stderr)")
        #expect(outcome.stdout.contains("SUCCESS"), "\(outcome.stdout)")
    }
}
