import Foundation
import Probes
import ProbesPrometheus
import ProbesTesting
import Testing

/// `watch --alertmanager` and `--webhook` against Debian's real Alertmanager, started with the
/// config `rules` generates, whose receiver is a loopback webhook in the test.
@Suite("Alert delivery to a real Alertmanager (built binary)", .serialized)
struct AlertDeliveryEndToEndTests {
    /// The bureau and its two dependents (and gift, alone, when `gift`). Latency threshold and
    /// timeout are generous, so that a loaded machine's healthy loopback probes stay fast and up.
    static func config(
        _ server: LoopbackHTTPServer, gift: Bool = true, interval: String = "2s",
        timeout: String = "1900ms", threshold: String = "5s"
    ) -> String {
        """
        {
          "defaults": { "interval": "\(interval)", "timeout": "\(timeout)" },
          "slo": { "latency": { "threshold": "\(threshold)" } },
          "services": [
            { "name": "bureau", "probe": { "type": "http", "url": "\(server.url("/bureau"))" } },
            { "name": "loans", "dependsOn": ["bureau"], "probe": { "type": "http", "url": "\(server.url("/loans"))" } },
            { "name": "cards", "dependsOn": ["bureau"], "probe": { "type": "http", "url": "\(server.url("/cards"))" } }\(gift ? "," : "")
            \(gift ? #"{ "name": "gift", "probe": { "type": "http", "url": "\#(server.url("/gift"))" } }"# : "")
          ]
        }
        """
    }

    static let services = ["bureau", "loans", "cards", "gift"]

    /// The `alertmanager.yml` of `rules`, its placeholder receiver replaced by `receiver` and its
    /// waits shortened to a second, so notifications follow within the test.
    static func alertmanagerConfig(_ scratch: Scratch, config: String, receiver: URL) async throws -> String {
        let outcome = try await Binary.run(["rules", "--output-dir", scratch.file("rules"), "--config", config])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        var yaml = try String(contentsOfFile: scratch.file("rules/alertmanager.yml"), encoding: .utf8)
        #expect(yaml.contains("equal: ['root_cause']"), "the role rule: \(yaml)")
        yaml = yaml.replacingOccurrences(of: AlertmanagerConfig.placeholderWebhook, with: receiver.absoluteString)
        yaml = yaml.replacingOccurrences(
            of: #"group_wait: [0-9a-z]+"#, with: "group_wait: 1s",
            options: .regularExpression)
        yaml = yaml.replacingOccurrences(of: "group_interval: 5m", with: "group_interval: 1s")
        return try scratch.write("alertmanager.yml", yaml)
    }

    /// The alerts Alertmanager lists (active, suppressed or unprocessed; resolved ones are not).
    static func listed(_ am: RulesAlertmanager) async -> [[String: Any]] {
        guard let data = try? await am.request("GET", "/api/v2/alerts") else { return [] }
        return ((try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]]) ?? []
    }

    static func labels(_ alert: [String: Any]) -> [String: String] { alert["labels"] as? [String: String] ?? [:] }
    static func state(_ alert: [String: Any]) -> String? { (alert["status"] as? [String: Any])?["state"] as? String }

    /// Every alert the receiver was notified of, with the notification's status per alert.
    static func notified(_ receiver: LoopbackHTTPServer) -> [(status: String, labels: [String: String])] {
        receiver.requests(to: "/am-receiver").flatMap { request -> [(status: String, labels: [String: String])] in
            let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
            return (body["alerts"] as? [[String: Any]] ?? []).map {
                ($0["status"] as? String ?? "", $0["labels"] as? [String: String] ?? [:])
            }
        }
    }

    static func line(_ text: String) -> [String: Any]? { WatchCommandTests.event(text) }

    static func isEvent(_ text: String, _ event: String, _ alert: String, _ service: String) -> Bool {
        guard let json = line(text) else { return false }
        return json["event"] as? String == event && json["alert"] as? String == alert
            && json["service"] as? String == service
    }

    /// Polls `condition` every 100 ms until it holds or `timeout` passes.
    static func eventually(_ timeout: Duration = .seconds(30), _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return await condition()
    }

    /// Must-show 1: a slow-then-down upstream. Alertmanager lists the root's alerts active and
    /// every victim's inhibited, exactly as the board suppressed them; its receiver hears of the
    /// root only; after recovery nothing is left active there and the receiver got the resolves.
    @Test func aSlowThenDownRootPagesAloneAndEverythingResolves() async throws {
        let server = try await LoopbackHTTPServer.start(
            routes: Dictionary(uniqueKeysWithValues: Self.services.map { ("/" + $0, ScriptedBehaviour.ok()) }))
        let receiver = try await LoopbackHTTPServer.start(routes: ["/am-receiver": .status(200)])
        let scratch = try Scratch()
        let config = try scratch.write(
            "probes.json", Self.config(server, gift: false, interval: "3s", timeout: "2900ms", threshold: "1200ms"))
        let amConfig = try await Self.alertmanagerConfig(
            scratch, config: config, receiver: receiver.url("/am-receiver"))
        let am = try await RulesAlertmanager(config: amConfig, storage: scratch.file("am"))
        defer { am.stop() }
        let watch = try RunningBinary([
            "watch", "--headless", "--format", "json", "--config", config, "--state", scratch.file("state.sqlite"),
            "--alertmanager", "http://127.0.0.1:\(am.port)", "--alertmanager-resend", "2", "--site", "lab",
        ])

        // Slow first: the root's first alert is a latency warning.
        for path in ["/bureau", "/loans", "/cards"] { server.script(path, .status(200, delay: .milliseconds(1800))) }
        let slow = await watch.waitForLine(timeout: .seconds(60)) { Self.isEvent($0, "firing", "latency", "bureau") }
        #expect(slow != nil, "bureau's latency alert: \(watch.stdoutLines) \(watch.stderrLines)")
        // Then down.
        for path in ["/bureau", "/loans", "/cards"] { server.script(path, .status(503)) }
        for service in ["bureau", "loans", "cards"] {
            let down = await watch.waitForLine(timeout: .seconds(60)) { Self.isEvent($0, "firing", "down", service) }
            #expect(down != nil, "\(service) down: \(watch.stdoutLines)")
        }

        // Alertmanager mutes exactly what the board suppressed.
        let told = watch.stdoutLines.compactMap(Self.line).filter { $0["event"] as? String == "firing" }
        #expect(told.contains { $0["service"] as? String != "bureau" }, "victims' alerts were told: \(told)")
        func matches(_ alerts: [[String: Any]]) -> Bool {
            told.allSatisfy { event in
                let name = AlertmanagerAlert.alertName(AlertKind(rawValue: event["alert"] as? String ?? "") ?? .down)
                let expected = (event["suppressed"] as? Bool ?? false) ? "suppressed" : "active"
                return alerts.contains {
                    Self.labels($0)["service"] == event["service"] as? String && Self.labels($0)["alertname"] == name
                        && Self.state($0) == expected
                }
            }
        }
        var alerts: [[String: Any]] = []
        let inAlertmanager = await Self.eventually {
            alerts = await Self.listed(am)
            return matches(alerts)
        }
        #expect(inAlertmanager, "told: \(told)\nlisted: \(alerts)\n\(watch.stderrLines)")
        for alert in alerts where Self.labels(alert)["service"] != "bureau" {
            #expect(
                Self.state(alert) == "suppressed" && Self.labels(alert)["role"] == "victim"
                    && Self.labels(alert)["root_cause"] == "bureau", "every victim inhibited: \(alert)")
        }
        #expect(alerts.filter { Self.labels($0)["service"] == "bureau" }.allSatisfy { Self.state($0) == "active" })

        // The receiver hears of the root. Its silence about the victims needs time to mean
        // something: their groups' group_wait (1 s) and interval (1 s) pass with room to spare.
        #expect(
            await Self.eventually {
                Self.notified(receiver).contains {
                    $0.status == "firing" && $0.labels["alertname"] == "IncidentBoardDown"
                }
            }, "\(am.logText)")
        try await Task.sleep(for: .seconds(4))
        #expect(
            Self.notified(receiver).allSatisfy { $0.labels["service"] == "bureau" },
            "notified for the root only: \(Self.notified(receiver).map(\.labels))")

        // Recovery: every alert resolves on the board, in Alertmanager and at the receiver.
        for path in ["/bureau", "/loans", "/cards"] { server.script(path, .ok()) }
        let firingKeys = Set(told.map { "\($0["service"] as? String ?? "")/\($0["alert"] as? String ?? "")" })
        let allResolved = await Self.eventually(.seconds(200)) {
            let resolved = Set(
                watch.stdoutLines.compactMap(Self.line).filter { $0["event"] as? String == "resolved" }
                    .map { "\($0["service"] as? String ?? "")/\($0["alert"] as? String ?? "")" })
            return firingKeys.isSubset(of: resolved)
        }
        #expect(allResolved, "\(watch.stdoutLines)")
        var left: [[String: Any]] = []
        #expect(
            await Self.eventually {
                left = await Self.listed(am)
                return left.isEmpty
            }, "\(left)")
        let rootAlerts = Set(
            Self.notified(receiver).filter { $0.status == "firing" }.map { $0.labels["alertname"] ?? "" })
        #expect(
            await Self.eventually {
                let resolved = Set(
                    Self.notified(receiver).filter { $0.status == "resolved" }.map { $0.labels["alertname"] ?? "" })
                return !rootAlerts.isEmpty && rootAlerts.isSubset(of: resolved)
            }, "the receiver got the resolves: \(Self.notified(receiver).map { ($0.status, $0.labels) })")
        #expect(Self.notified(receiver).allSatisfy { $0.labels["service"] == "bureau" })

        watch.signal(SIGTERM)
        #expect(await watch.waitForExit() == 0)
        let summary = watch.stderrLines.first { $0.hasPrefix("incidentboard: delivery: alertmanager ") }
        #expect(summary?.contains(" 0 waiting in the outbox") == true, "\(watch.stderrLines)")
        await server.stop()
        await receiver.stop()
    }

    /// Must-show 2: Alertmanager stopped for 30 s in the middle of an incident, and separately
    /// `watch` killed with -9 (while the webhook fails) and restarted. Afterwards every firing and
    /// resolved has reached Alertmanager and every event reached the webhook at least once,
    /// duplicates recognisable by their delivery id.
    @Test func nothingIsLostToAnAlertmanagerOutageOrAHardKill() async throws {
        let server = try await LoopbackHTTPServer.start(
            routes: Dictionary(uniqueKeysWithValues: Self.services.map { ("/" + $0, ScriptedBehaviour.ok()) }))
        let receiver = try await LoopbackHTTPServer.start(routes: ["/am-receiver": .status(200), "/hook": .status(200)])
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server))
        let amConfig = try await Self.alertmanagerConfig(
            scratch, config: config, receiver: receiver.url("/am-receiver"))
        let first = try await RulesAlertmanager(config: amConfig, storage: scratch.file("am"))
        let port = first.port
        let token = "hook-token-\(UUID().uuidString)"
        let arguments = [
            "watch", "--headless", "--format", "json", "--config", config, "--state", scratch.file("state.sqlite"),
            "--alertmanager", "http://127.0.0.1:\(port)", "--alertmanager-resend", "2", "--site", "lab",
            "--webhook", receiver.url("/hook").absoluteString, "--webhook-header", "X-Hook-Token=${HOOK_TOKEN}",
        ]
        let watch = try RunningBinary(arguments, environment: ["HOOK_TOKEN": token])

        // The incident, delivered while Alertmanager is up.
        for path in ["/bureau", "/loans", "/cards"] { server.script(path, .status(503)) }
        for service in ["bureau", "loans", "cards"] {
            #expect(await watch.waitForLine { Self.isEvent($0, "firing", "down", service) } != nil, "\(service)")
        }
        #expect(
            await Self.eventually {
                let alerts = await Self.listed(first)
                return ["bureau", "loans", "cards"].allSatisfy { service in
                    alerts.contains { Self.labels($0)["service"] == service }
                }
            }, "\(watch.stderrLines)")

        // The receiver was paged for the bureau before the outage.
        #expect(
            await Self.eventually {
                Self.notified(receiver).contains { $0.status == "firing" && $0.labels["service"] == "bureau" }
            }, "\(first.logText)")

        // Alertmanager stops for 30 s; meanwhile gift falls and the bureau incident ends.
        first.stop()
        let outage = ContinuousClock.now
        server.script("/gift", .status(503))
        for path in ["/bureau", "/loans", "/cards"] { server.script(path, .ok()) }
        #expect(await watch.waitForLine { Self.isEvent($0, "firing", "down", "gift") } != nil)
        for service in ["bureau", "loans", "cards"] {
            #expect(await watch.waitForLine { Self.isEvent($0, "resolved", "down", service) } != nil, "\(service)")
        }
        #expect(
            await Self.eventually { watch.stderrLines.contains { $0.contains("unreachable (connection refused)") } })
        try await Task.sleep(until: outage + .seconds(30))
        let second = try await RulesAlertmanager(config: amConfig, storage: scratch.file("am"), port: port)
        defer { second.stop() }
        var listed: [[String: Any]] = []
        #expect(
            await Self.eventually {
                listed = await Self.listed(second)
                return listed.contains { Self.labels($0)["service"] == "gift" && Self.state($0) == "active" }
                    && !listed.contains { ["bureau", "loans", "cards"].contains(Self.labels($0)["service"] ?? "") }
            }, "gift firing, the bureau incident resolved: \(listed)\n\(watch.stderrLines)")
        #expect(
            await Self.eventually { watch.stderrLines.contains { $0.contains(": delivering again after ") } },
            "\(watch.stderrLines)")

        // watch killed with -9 while the webhook fails, with gift's resolved waiting in the outbox.
        receiver.script("/hook", .status(503, body: "receiver down"))
        let failedBefore = receiver.requests(to: "/hook").count
        server.script("/gift", .ok())
        #expect(await watch.waitForLine { Self.isEvent($0, "resolved", "down", "gift") } != nil)
        #expect(await Self.eventually { receiver.requests(to: "/hook").count > failedBefore })
        watch.signal(SIGKILL)
        _ = await watch.waitForExit()
        receiver.script("/hook", .status(200))
        let failingUntil = receiver.requests(to: "/hook").count
        // What the receiver acknowledged: everything but the requests it answered 503 to.
        func acknowledged() -> [String] {
            let all = receiver.requests(to: "/hook").map(\.bodyText)
            return Array(all.prefix(failedBefore)) + Array(all.dropFirst(failingUntil))
        }
        let restarted = try RunningBinary(arguments, environment: ["HOOK_TOKEN": token])
        let told = (watch.stdoutLines + restarted.stdoutLines).filter { Self.line($0) != nil }
        // Every event at least once, recognised by its line.
        let allDelivered = await Self.eventually(.seconds(60)) {
            let received = acknowledged()
            return (watch.stdoutLines + restarted.stdoutLines).filter { Self.line($0) != nil }
                .allSatisfy { line in received.contains { $0.hasPrefix(String(line.dropLast())) } }
        }
        #expect(allDelivered, "told: \(told)\nreceived: \(acknowledged())\n\(restarted.stderrLines)")
        #expect(
            restarted.stderrLines.contains { $0.contains("waiting in the outbox from an earlier run") },
            "\(restarted.stderrLines)")
        #expect(
            await Self.eventually {
                listed = await Self.listed(second)
                return listed.isEmpty
            }, "\(listed)")
        #expect(
            await Self.eventually {
                Self.notified(receiver).contains { $0.status == "resolved" && $0.labels["service"] == "gift" }
            }, "\(Self.notified(receiver).map { ($0.status, $0.labels) })")
        #expect(
            await Self.eventually {
                Self.notified(receiver).contains { $0.status == "resolved" && $0.labels["service"] == "bureau" }
            }, "the bureau's resolved reached the restarted Alertmanager, which told its receiver")
        #expect(
            Self.notified(receiver).allSatisfy { ["bureau", "gift"].contains($0.labels["service"] ?? "") },
            "the receiver heard of roots only")

        // Duplicates carry one delivery id; the token reached the receiver and no output.
        var byID: [String: Set<String>] = [:]
        for request in receiver.requests(to: "/hook") {
            guard let json = Self.line(request.bodyText), let id = json["deliveryId"] as? String else {
                Issue.record("not a delivery: \(request.bodyText)")
                continue
            }
            byID[id, default: []].insert(request.bodyText)
            #expect(request.header("X-Hook-Token") == token && request.header("X-IncidentBoard-Delivery") == id)
        }
        #expect(byID.values.allSatisfy { $0.count == 1 }, "one event per delivery id")
        restarted.signal(SIGTERM)
        #expect(await restarted.waitForExit() == 0)
        let output = watch.stdoutLines + watch.stderrLines + restarted.stdoutLines + restarted.stderrLines
        #expect(!output.joined().contains(token))
        let figures = restarted.stderrLines.filter { $0.hasPrefix("incidentboard: delivery: ") }
        #expect(figures.count == 2 && figures.allSatisfy { $0.hasSuffix(" 0 waiting in the outbox") }, "\(figures)")
        let firstRun = watch.stderrLines.filter { $0.contains("alertmanager http") || $0.contains("webhook http") }
        print("delivery, first run (killed with -9):\n" + firstRun.joined(separator: "\n"))
        print(
            "Alertmanager's receiver: "
                + Self.notified(receiver).map {
                    "\($0.status) \($0.labels["service"] ?? "?") \($0.labels["alertname"] ?? "?")"
                }.joined(separator: ", "))
        print(
            "delivery figures after the restart:\n" + figures.joined(separator: "\n")
                + "\nevents told on stdout: \((watch.stdoutLines + restarted.stdoutLines).filter { Self.line($0) != nil }.count); webhook requests: \(receiver.requests(to: "/hook").count), "
                + "distinct events: \(byID.count), "
                + "Alertmanager notifications: \(receiver.requests(to: "/am-receiver").count)")
        await server.stop()
        await receiver.stop()
    }
}

/// Delivery options that cannot work end `watch` before it probes, naming the option, never a
/// secret value.
@Suite("Alert delivery: bad options (built binary)")
struct AlertDeliveryOptionTests {
    @Test(arguments: [
        (["--alertmanager", "ftp://127.0.0.1:9093"], "--alertmanager \"ftp://127.0.0.1:9093\" is not an http(s) URL"),
        (
            ["--alertmanager", "http://127.0.0.1:9093/?token=abc"],
            "--alertmanager \"http://127.0.0.1:9093/?token=abc\": give the base URL, without a query"
        ),
        (["--webhook", "hooks.example/x"], "--webhook \"hooks.example/x\" is not an http(s) URL"),
        (
            ["--webhook", "http://127.0.0.1:1/x", "--webhook-header", "Authorization=Bearer ${IB_UNSET_TOKEN}"],
            "--webhook-header Authorization: environment variable IB_UNSET_TOKEN is not set"
        ),
        (["--webhook-header", "X-Token=abc"], "--webhook-header needs a --webhook to send it to"),
        (
            ["--alertmanager", "http://127.0.0.1:9093", "--source", "prometheus=http://127.0.0.1:9090"],
            "--alertmanager and --webhook deliver the alerts of local probing, and with --source nothing is probed "
                + "here; leave one of them out"
        ),
        (
            ["--alertmanager-resend", "0", "--alertmanager", "http://127.0.0.1:9093"],
            "--alertmanager-resend must be from 1 to 3600 seconds"
        ),
    ])
    func aBadDeliveryOptionIsNamed(_ options: [String], _ message: String) async throws {
        let scratch = try Scratch()
        let config = try scratch.write(
            "probes.json",
            """
            { "services": [ { "name": "a", "probe": { "type": "http", "url": "http://127.0.0.1:1/" } } ] }
            """)
        // No --state: it is refused with --source before anything else.
        let outcome = try await Binary.run(
            ["watch", "--headless", "--config", config] + options,
            environment: ["XDG_STATE_HOME": scratch.file("xdg")])
        #expect(outcome.status == 3)
        #expect(outcome.stderr.hasPrefix("incidentboard: " + message), "\(outcome.stderr)")
        #expect(outcome.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: scratch.file("xdg")), "nothing started")
    }
}
