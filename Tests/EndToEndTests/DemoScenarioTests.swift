import DemoEstate
import Foundation
import ProbesTesting
import Testing

/// `incidentboard demo --headless` replays each incident on the live estate, and the board names
/// the right root cause and sees it recover.
///
/// Each run gets a copy of the repository's probes.json with its ports moved to free ones (the
/// estate follows the config), so a demo you are running, or a test run next door, is never hit.
/// The runs still go one at a time (`.serialized`): five live estates at once on a small machine
/// would make the timing they show meaningless.
@Suite("Demo scenarios", .serialized)
struct DemoScenarioTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let probesJSON = repository.appendingPathComponent("probes.json").path

    /// Writes the repository's probes.json into `scratch` with every loopback port moved to a free
    /// one, or to `moved[port]` where given; returns its path.
    /// `root` and every service that depends on it, directly or not, in `probes.json`.
    static func cascade(of root: String) -> Set<String> {
        struct Config: Decodable {
            struct Service: Decodable {
                var name: String
                var dependsOn: [String]?
            }
            var services: [Service]
        }
        let data = FileManager.default.contents(atPath: probesJSON) ?? Data()
        let services = (try? JSONDecoder().decode(Config.self, from: data))?.services ?? []
        var found: Set<String> = [root]
        var grew = true
        while grew {
            grew = false
            for service in services
            where !found.contains(service.name) && (service.dependsOn ?? []).contains(where: found.contains) {
                found.insert(service.name)
                grew = true
            }
        }
        return found
    }

    static func estateConfig(in scratch: Scratch, moving moved: [Int: Int] = [:]) throws -> String {
        var text = try String(contentsOfFile: probesJSON, encoding: .utf8)
        let ports = Set(text.matches(of: /127\.0\.0\.1:(\d+)/).compactMap { Int($0.output.1) })
        for port in ports.sorted() {
            // Reserved and released at once: the estate binds it a moment later.
            let free = try moved[port] ?? RefusingPort().port
            text = text.replacingOccurrences(of: "127.0.0.1:\(port)/", with: "127.0.0.1:\(free)/")
        }
        return try scratch.write("probes.json", text)
    }

    /// One alert line of `watch --headless --format json`.
    struct AlertLine: Decodable, CustomStringConvertible {
        var time: String
        var event: String
        var alert: String
        var service: String
        var severity: String
        var rootCause: String?
        var suppressed: Bool
        var summary: String
        var window: String?
        var incident: String?

        var description: String {
            "\(event) \(alert) \(service) root=\(rootCause ?? "null") suppressed=\(suppressed): \(summary)"
        }

        func `is`(_ event: String, _ alert: String, _ service: String) -> Bool {
            self.event == event && self.alert == alert && self.service == service
        }
    }

    /// One incident as `incidents --format json` lists it.
    struct IncidentLine: Decodable {
        struct Victim: Decodable { var service: String }
        var id: String
        var root: String
        var onset: String
        var firstAlert: String?
        var closed: String?
        var victims: [Victim]
        var alertsSent: Int
        var alertsSuppressed: Int
    }

    /// What one run of a scenario showed.
    struct Run {
        var incidents: [IncidentLine] = []
        /// `report <first incident> --format html` (stdout), and the files `--output` wrote.
        var reportHTML: String?
        var reportFiles: [String] = []
        var alerts: [AlertLine]
        var stdout: [String]
        var stderr: [String]
        var exitStatus: Int32?
        var elapsed: Duration

        func first(_ event: String, _ alert: String, _ service: String) -> AlertLine? {
            alerts.first { $0.is(event, alert, service) }
        }

        /// The run as seen from one cascade: the alerts and incidents of `root` and of what
        /// depends on it (in `probes.json`). A service outside it that alerts on its own (a
        /// demo service made slow by a busy test machine) is another incident, judged elsewhere.
        func cascade(of root: String) -> Run {
            let services = DemoScenarioTests.cascade(of: root)
            var out = self
            out.alerts = alerts.filter { services.contains($0.service) }
            out.incidents = incidents.filter { services.contains($0.root) }
            return out
        }

        func index(_ event: String, _ alert: String, _ service: String) -> Int? {
            alerts.firstIndex { $0.is(event, alert, service) }
        }

        /// Every alert line, for failure messages.
        var transcript: Comment { Comment(rawValue: alerts.map(\.description).joined(separator: "\n")) }
    }

    /// Runs `demo --headless --scenario <name> --format json` until `done` holds for the alert lines
    /// seen so far (or `timeout`), then stops it with SIGINT, as Ctrl-C would.
    ///
    /// The free ports are picked before the demo binds them, so a test running next door can take
    /// one in between; the demo then exits 3 naming the port at once, and the run starts over on
    /// new ports (a few times at most, so a real port bug still fails).
    static func play(
        _ scenario: String, pace: Double, timeout: Duration, until done: ([AlertLine]) -> Bool
    ) async throws -> Run {
        var run = try await playOnce(scenario, pace: pace, timeout: timeout, until: done)
        for _ in 0..<3 where run.exitStatus == 3 && run.stderr.contains(where: { $0.contains("is in use") }) {
            run = try await playOnce(scenario, pace: pace, timeout: timeout, until: done)
        }
        return run
    }

    private static func playOnce(
        _ scenario: String, pace: Double, timeout: Duration, until done: ([AlertLine]) -> Bool
    ) async throws -> Run {
        let scratch = try Scratch()
        let config = try estateConfig(in: scratch)
        let state = scratch.file("demo.sqlite")
        let demo = try RunningBinary(
            [
                "demo", "--headless", "--scenario", scenario, "--format", "json", "--config", config,
                "--state", state,
            ],
            environment: ["INCIDENTBOARD_DEMO_PACE": String(pace)])
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var alerts: [AlertLine] = []
        while clock.now < deadline, demo.isRunning {
            alerts = decode(demo.stdoutLines)
            if done(alerts) { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        let elapsed = demo.started.duration(to: clock.now)
        demo.signal(SIGINT)
        let status = await demo.waitForExit(timeout: .seconds(15))
        let stdout = demo.stdoutLines
        // The incidents the run recorded in its history.
        let listed = try await Binary.run(["incidents", "--state", state, "--config", config, "--format", "json"])
        struct Listing: Decodable { var incidents: [IncidentLine] }
        let incidents = (try? JSONDecoder().decode(Listing.self, from: Data(listed.stdout.utf8)))?.incidents ?? []
        var run = Run(
            incidents: incidents, alerts: decode(stdout), stdout: stdout, stderr: demo.stderrLines, exitStatus: status,
            elapsed: elapsed)
        // Its post-incident report, as a page and as Markdown with its charts.
        let root: String? =
            switch DemoPlan.named(scenario) {
            case .single(let plan): plan.root
            default: nil
            }
        if let id = (incidents.first { $0.root == root } ?? incidents.first)?.id {
            let html = try await Binary.run(["report", id, "--format", "html", "--state", state, "--config", config])
            run.reportHTML = html.status == 0 ? html.stdout : nil
            let out = scratch.file("report")
            let markdown = try await Binary.run(["report", id, "--output", out, "--state", state, "--config", config])
            if markdown.status == 0 {
                run.reportFiles = ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).sorted()
            }
        }
        return run
    }

    /// The run recorded one incident, of the scenario's declared root, with `victims` among its
    /// victims; every alert line about them carries its id, and its first alert is the first
    /// page on stdout (to the second, as the record keeps it).
    static func expectOneIncident(_ whole: Run, of scenario: Scenario, victims: [String]) throws {
        let root = try #require(scenario.root)
        let run = whole.cascade(of: root)
        let records = run.incidents
        #expect(records.count == 1, "one incident: \(records.map(\.id)) in \(run.transcript)")
        let record = try #require(records.first { $0.root == root }, "no incident of \(root): \(records.map(\.id))")
        #expect(record.id.hasSuffix("-" + root))
        #expect(Set(victims).isSubset(of: Set(record.victims.map(\.service))), "\(record.victims.map(\.service))")
        let involved = Set([root] + record.victims.map(\.service))
        let lines = run.alerts.filter { involved.contains($0.service) }
        #expect(lines.allSatisfy { $0.incident == record.id }, run.transcript)
        let firstPage = try #require(run.alerts.first { $0.event == "firing" && !$0.suppressed }, run.transcript)
        #expect(record.firstAlert.map { String($0.prefix(19)) } == String(firstPage.time.prefix(19)))
        #expect(
            record.alertsSent
                == run.alerts.filter {
                    $0.event == "firing" && !$0.suppressed
                        && involved.contains($0.service)
                }.count)
    }

    static func decode(_ lines: [String]) -> [AlertLine] {
        let decoder = JSONDecoder()
        return lines.compactMap { try? decoder.decode(AlertLine.self, from: Data($0.utf8)) }
    }

    /// Every run ends cleanly on SIGINT, with nothing but alert lines on stdout.
    static func expectCleanStop(_ run: Run) {
        #expect(run.exitStatus == 0, "exit status after SIGINT")
        #expect(run.alerts.count == run.stdout.count, "stdout is the alert contract: \(run.stdout)")
        #expect(run.stderr.contains { $0.contains("demo estate stopped") })
    }

    /// The root's alert comes first, whatever its kind (every incident starts slow, so usually its
    /// `latency` alert), and every other service's `firing` is suppressed and names the root.
    static func expectRootFirst(_ whole: Run, root: String) {
        let run = whole.cascade(of: root)
        let firing = run.alerts.filter { $0.event == "firing" }
        #expect(firing.first?.service == root, "the first page is the root's: \(run.transcript)")
        #expect(firing.first?.suppressed == false, run.transcript)
        for alert in firing where alert.service != root {
            #expect(alert.suppressed && alert.rootCause == root, "\(alert) in \(run.transcript)")
        }
        #expect(firing.filter { !$0.suppressed }.allSatisfy { $0.service == root }, run.transcript)
    }

    @Test func creditBureauCascadeNamesTheCreditBureauAndSuppressesItsVictims() async throws {
        let run = try await Self.play("credit-bureau-cascade", pace: 2, timeout: .seconds(90)) {
            $0.contains { $0.is("resolved", "down", "credit-bureau") }
        }
        Self.expectCleanStop(run)
        try Self.expectOneIncident(run, of: .creditBureauCascade, victims: ["loan-application", "card-issuance"])
        // The review: a page with the three charts inline, and Markdown with them as SVG files.
        let html = try #require(run.reportHTML, "report --format html failed")
        #expect(html.contains("credit-bureau was slow from") && html.components(separatedBy: "<svg ").count == 4)
        let id = try #require(run.incidents.first { $0.root == "credit-bureau" }?.id)
        #expect(run.reportFiles == ["\(id)-availability.svg", "\(id)-budget.svg", "\(id)-latency.svg", "\(id).md"])
        let root = try #require(run.first("firing", "down", "credit-bureau"), run.transcript)
        #expect(root.rootCause == "credit-bureau" && !root.suppressed, run.transcript)
        for victim in ["loan-application", "card-issuance"] {
            let alert = try #require(run.first("firing", "down", victim), run.transcript)
            #expect(alert.rootCause == "credit-bureau", run.transcript)
            #expect(alert.suppressed, "on-call is paged for the credit bureau, not for \(victim)")
        }
        // Nothing that went down is blamed on anything but the credit bureau.
        let downs = run.alerts.filter { $0.event == "firing" && $0.alert == "down" }
        #expect(downs.allSatisfy { $0.rootCause == "credit-bureau" }, run.transcript)
        // It slowed before it stopped: its latency alert is the first page, and the victims'
        // latency alerts are suppressed under it too.
        Self.expectRootFirst(run, root: "credit-bureau")
        #expect(run.cascade(of: "credit-bureau").index("firing", "latency", "credit-bureau") == 0, run.transcript)
        #expect(run.first("resolved", "down", "credit-bureau") != nil, run.transcript)
        // The progress of the timeline went to stderr, the alerts alone to stdout.
        #expect(
            run.stderr.contains(
                "scenario credit-bureau-cascade: credit bureau stops answering (connection refused)"))
    }

    @Test func authVendorMigrationNamesTheVendorAndLeavesCertificateServicesGreen() async throws {
        let run = try await Self.play("auth-vendor-migration", pace: 2, timeout: .seconds(90)) {
            $0.contains { $0.is("resolved", "down", "auth-vendor") }
        }
        Self.expectCleanStop(run)
        try Self.expectOneIncident(
            run, of: .authVendorMigration, victims: ["loan-application", "account-opening", "transfers"])
        let root = try #require(run.first("firing", "down", "auth-vendor"), run.transcript)
        #expect(root.rootCause == "auth-vendor" && !root.suppressed, run.transcript)
        for victim in ["loan-application", "account-opening", "transfers"] {
            let alert = try #require(run.first("firing", "down", victim), run.transcript)
            #expect(alert.rootCause == "auth-vendor" && alert.suppressed, run.transcript)
        }
        Self.expectRootFirst(run, root: "auth-vendor")
        // Transfers answer 200 OK; only the body's refusal message gives them away.
        let transfers = try #require(run.first("firing", "down", "transfers"))
        #expect(transfers.summary.contains("수취 은행의 사유"), run.transcript)
        // The certificate path and the services that need only it stay green.
        #expect(!run.alerts.contains { ["auth-cert", "deposit-event"].contains($0.service) }, run.transcript)
        #expect(run.first("resolved", "down", "auth-vendor") != nil, run.transcript)
    }

    @Test func silentWrongChargeIsCaughtByTheJourneyAndNamesTheCardNetwork() async throws {
        let run = try await Self.play("silent-wrong-charge", pace: 2, timeout: .seconds(90)) {
            $0.contains { $0.is("resolved", "down", "gift-checkout") }
                && $0.contains { $0.is("resolved", "down", "gift-payment") }
        }
        Self.expectCleanStop(run)
        try Self.expectOneIncident(run, of: .silentWrongCharge, victims: ["gift-payment", "gift-checkout"])
        // The transaction's alert names the step that failed and is attributed to the card network.
        let journey = try #require(run.first("firing", "down", "gift-checkout"), run.transcript)
        #expect(journey.summary.contains("step \"order matches payment\" failed"), "\(journey.summary)")
        #expect(journey.rootCause == "card-network" && journey.suppressed, run.transcript)
        let payment = try #require(run.first("firing", "down", "gift-payment"), run.transcript)
        #expect(payment.rootCause == "card-network", run.transcript)
        #expect(payment.summary.contains("[BODY]"), "caught by the body, the status was 200: \(payment.summary)")
        // The card network is paged once, under its own name, for its dependents: its health probe
        // stayed green throughout, so it has no down alert of its own.
        let root = try #require(run.first("firing", "down", "card-network"), run.transcript)
        #expect(root.summary.contains("root cause of") && !root.suppressed, run.transcript)
        #expect(
            !run.alerts.contains { $0.service == "card-network" && !$0.summary.contains("root cause of") },
            run.transcript)
        #expect(run.first("resolved", "down", "gift-checkout") != nil, run.transcript)
    }

    @Test func pointPortalFlashCrowdShowsLatencyThenErrorsOnThePortal() async throws {
        let run = try await Self.play("point-portal-flash-crowd", pace: 2, timeout: .seconds(100)) {
            $0.contains { $0.is("resolved", "down", "point-portal") }
        }
        Self.expectCleanStop(run)
        try Self.expectOneIncident(run, of: .pointPortalFlashCrowd, victims: ["card-point-cashout"])
        let latency = try #require(run.index("firing", "latency", "point-portal"), run.transcript)
        let down = try #require(run.index("firing", "down", "point-portal"), run.transcript)
        #expect(latency < down, "latency climbs before the errors: \(run.transcript)")
        #expect(run.alerts[down].rootCause == "point-portal" && !run.alerts[down].suppressed, run.transcript)
        // The cash-out service behind the portal fails as its victim, not as a page of its own.
        let cashout = try #require(run.first("firing", "down", "card-point-cashout"), run.transcript)
        #expect(cashout.rootCause == "point-portal" && cashout.suppressed, run.transcript)
        Self.expectRootFirst(run, root: "point-portal")
        #expect(run.first("resolved", "down", "point-portal") != nil, run.transcript)
    }

    /// At pace 1: the fast-burn page needs about 50 s of failure (2 % of an hour over 1 h and 5 m).
    @Test func depositEventBurstFiresTheFastBurnPageAndRecovers() async throws {
        let run = try await Self.play("deposit-event-burst", pace: 1, timeout: .seconds(110)) { alerts in
            alerts.contains { $0.is("firing", "burn-rate", "deposit-event") }
                && alerts.contains { $0.is("resolved", "down", "deposit-event") }
        }
        Self.expectCleanStop(run)
        try Self.expectOneIncident(run, of: .depositEventBurst, victims: [])
        let down = try #require(run.first("firing", "down", "deposit-event"), run.transcript)
        #expect(down.rootCause == "deposit-event" && !down.suppressed, run.transcript)
        let page = try #require(run.first("firing", "burn-rate", "deposit-event"), run.transcript)
        #expect(page.severity == "page" && page.window == "1h/5m", run.transcript)
        #expect(run.first("resolved", "down", "deposit-event") != nil, run.transcript)
    }

    /// The default plan on the dashboard, in a real terminal (tmux): while the tour's first incident
    /// is on, the header names the point portal as the root cause; `q` ends the demo.
    @Test(.enabled(if: Tmux.isAvailable))
    func dashboardShowsTheRootCauseDuringTheTour() async throws {
        let scratch = try Scratch()
        let tmux = try Tmux(columns: 140, rows: 40)
        defer { tmux.kill() }
        try tmux.start([
            "env", "INCIDENTBOARD_DEMO_PACE=3", Binary.path, "demo", "--config", try Self.estateConfig(in: scratch),
            "--state", scratch.file("demo.sqlite"),
        ])
        let screen = await tmux.waitForScreen(timeout: .seconds(60)) { $0.contains("ROOT point-portal") }
        #expect(screen.contains("ROOT point-portal"), "\(screen)")
        #expect(screen.contains("card-point-cashout"), "the victim is listed too: \(screen)")
        tmux.send("q")
        #expect(await tmux.waitForExit(timeout: .seconds(15)), "q ends the demo")
    }

    /// Incident 3 on the dashboard, in a real terminal: while the credit bureau is only slow the
    /// header already names it (and nothing else before it), and loan-application's detail pane
    /// shows its latency beside the bureau's.
    @Test(.enabled(if: Tmux.isAvailable))
    func dashboardNamesTheSlowCreditBureauAndShowsTheLatencyChain() async throws {
        let scratch = try Scratch()
        let tmux = try Tmux(columns: 120, rows: 40)
        defer { tmux.kill() }
        try tmux.start([
            Binary.path, "demo", "--scenario", "credit-bureau-cascade", "--config", try Self.estateConfig(in: scratch),
            "--state", scratch.file("demo.sqlite"),
        ])
        var headers: [String] = []
        let screen = await tmux.waitForScreen(timeout: .seconds(60)) { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.count > 1 { headers.append(String(lines[1])) }
            return lines.count > 1 && lines[1].hasPrefix("ROOT credit-bureau") && lines[1].contains("(slow)")
        }
        #expect(headers.last?.hasPrefix("ROOT credit-bureau") == true, "\(screen)")
        #expect(headers.last?.contains("(slow)") == true, "named while only slow: \(screen)")
        let wrong = headers.filter { $0.hasPrefix("ROOT") && !$0.hasPrefix("ROOT credit-bureau") }
        #expect(wrong.isEmpty, "the header named a victim first: \(wrong)")
        // loan-application is the sixth row in tree order.
        for _ in 0..<5 { tmux.send("j") }
        tmux.send("Enter")
        let detail = await tmux.waitForScreen(timeout: .seconds(20)) {
            $0.contains("loan-application · 대출 신청") && $0.contains("← credit-bureau p50")
        }
        #expect(detail.contains("latency       loan-application p50"), "\(detail)")
        #expect(detail.contains("← credit-bureau p50"), "\(detail)")
        tmux.send("q")
        #expect(await tmux.waitForExit(timeout: .seconds(15)), "q ends the demo")
    }

    @Test func portInUseIsNamedAndExits3() async throws {
        let squatter = try await LoopbackHTTPServer.start()
        let scratch = try Scratch()
        let config = try Self.estateConfig(in: scratch, moving: [18083: squatter.port])
        let outcome = try await Binary.run(
            ["demo", "--headless", "--config", config, "--state", scratch.file("demo.sqlite")], timeout: .seconds(30))
        await squatter.stop()
        #expect(outcome.status == 3)
        let named = "incidentboard: port \(squatter.port) is in use (credit-bureau)"
        #expect(outcome.stderr.contains(named), "\(outcome.stderr)")
        #expect(outcome.stdout.isEmpty)
    }
}

@Suite("Demo command")
struct DemoCommandTests {
    @Test func listShowsTheSixScenariosOneLineEach() async throws {
        let outcome = try await Binary.run(["demo", "--list"])
        #expect(outcome.status == 0)
        let names = outcome.stdoutLines.map { $0.split(separator: " ").first.map(String.init) ?? "" }
        #expect(
            names == [
                "tour", "point-portal-flash-crowd", "deposit-event-burst", "credit-bureau-cascade",
                "auth-vendor-migration", "silent-wrong-charge",
            ])
        #expect(outcome.stdoutLines.allSatisfy { $0.count > 30 }, "each with its one-line summary")
    }

    @Test func unknownScenarioIsAUsageError() async throws {
        let outcome = try await Binary.run(["demo", "--scenario", "no-such-incident"])
        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("unknown scenario \"no-such-incident\""))
        #expect(outcome.stderr.contains("demo --list"))
    }

    @Test func missingConfigIsAConfigError() async throws {
        let scratch = try Scratch()
        let outcome = try await Binary.run(["demo", "--headless", "--config", scratch.file("nope.json")])
        #expect(outcome.status == 3)
        #expect(outcome.stderr.hasPrefix("incidentboard: \(scratch.file("nope.json"))"))
    }
}

/// A private tmux server (its own socket) running one command in a detached session of a given size.
///
/// tmux is started with posix_spawn and reaped with waitpid, not with Foundation's `Process`: the
/// server that `new-session` forks would inherit the descriptors `Process` watches for the child's
/// exit, and `waitUntilExit()` would then wait for the server, not the client.
final class Tmux: Sendable {
    let socket = "incidentboard-demo-\(UUID().uuidString.prefix(8))"
    let columns: Int
    let rows: Int

    static let executable = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static var isAvailable: Bool { executable != nil }

    init(columns: Int, rows: Int) throws {
        self.columns = columns
        self.rows = rows
    }

    /// Runs one tmux command to its end; with `readOutput`, returns what it printed.
    @discardableResult
    func tmux(_ arguments: [String], readOutput: Bool = false) -> (status: Int32, output: String) {
        guard let executable = Self.executable else { return (-1, "") }
        let outputPath = NSTemporaryDirectory() + "incidentboard-tmux-\(UUID().uuidString)"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(
            &actions, 1, readOutput ? outputPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable, "-L", socket] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, executable, &actions, nil, argv + [nil], environ) == 0 else { return (-1, "") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = readOutput ? ((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "") : ""
        // Exited normally: the exit code sits in bits 8…15.
        return ((status & 0x7f) == 0 ? (status >> 8) & 0xff : -1, output)
    }

    func start(_ command: [String]) throws {
        let quoted = command.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let started = tmux(["new-session", "-d", "-s", "demo", "-x", String(columns), "-y", String(rows), quoted])
        try #require(started.status == 0, "tmux new-session failed")
    }

    var screen: String { tmux(["capture-pane", "-p", "-t", "demo"], readOutput: true).output }

    var isRunning: Bool { tmux(["has-session", "-t", "demo"]).status == 0 }

    func send(_ keys: String) { tmux(["send-keys", "-t", "demo", keys]) }

    /// Waits until the screen satisfies `predicate`; returns the last screen seen.
    func waitForScreen(timeout: Duration, _ predicate: (String) -> Bool) async -> String {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline, isRunning {
            last = screen
            if predicate(last) { return last }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return last
    }

    func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !isRunning { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return !isRunning
    }

    /// Ends the server and removes its socket file (tmux leaves it behind).
    func kill() {
        tmux(["kill-server"])
        let directory = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        unlink("\(directory)/tmux-\(getuid())/\(socket)")
    }
}
