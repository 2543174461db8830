import Foundation
import Probes
import ProbesTesting
import Testing

/// `incidentboard watch --headless` as a pipeline runs it: the built binary, JSON lines on stdout.
@Suite("watch --headless (built binary)")
struct WatchCommandTests {
    /// bureau ← loans, cards; gift standalone. Probes every second, so a test runs in seconds.
    /// The latency threshold is above the timeout: these tests are about down alerts, and a loaded
    /// CI machine must not raise latency ones (a loopback answer has taken 900 ms there).
    static func config(_ server: LoopbackHTTPServer) -> String {
        """
        {
          "defaults": { "interval": "1s", "timeout": "900ms" },
          "slo": { "latency": { "threshold": "5s" } },
          "services": [
            { "name": "bureau", "probe": { "type": "http", "url": "\(server.url("/bureau"))" } },
            { "name": "loans", "dependsOn": ["bureau"], "probe": { "type": "http", "url": "\(server.url("/loans"))" } },
            { "name": "cards", "dependsOn": ["bureau"], "probe": { "type": "http", "url": "\(server.url("/cards"))" } },
            { "name": "gift", "probe": { "type": "http", "url": "\(server.url("/gift"))" } }
          ]
        }
        """
    }

    static func healthy() async throws -> LoopbackHTTPServer {
        try await LoopbackHTTPServer.start(routes: ["/bureau": .ok(), "/loans": .ok(), "/cards": .ok(), "/gift": .ok()])
    }

    static func event(_ line: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }

    static func isEvent(_ line: String, _ event: String, _ service: String) -> Bool {
        guard let json = Self.event(line) else { return false }
        return json["event"] as? String == event && json["service"] as? String == service
            && json["alert"] as? String == "down"
    }

    static func date(_ json: [String: Any]) -> Date? {
        (json["time"] as? String).flatMap { try? Date($0, strategy: .iso8601) }
    }

    @Test func rootCauseFiresOnceVictimsAreSuppressedAndAllResolve() async throws {
        let server = try await Self.healthy()
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server))
        let watch = try RunningBinary([
            "watch", "--headless", "--format", "json", "--config", config,
            "--state", scratch.file("state.sqlite"),
        ])
        // Two healthy rounds first (every service probed twice): nothing on stdout.
        #expect(await waitUntil { server.requests.count >= 8 }, "served \(server.requests.count)")
        #expect(watch.stdoutLines.isEmpty, "\(watch.stdoutLines)")

        let failedAt = Date()
        server.script("/bureau", .status(503))
        server.script("/loans", .status(503))
        server.script("/cards", .status(503))
        let rootLine = await watch.waitForLine { Self.isEvent($0, "firing", "bureau") }
        let root = try #require(rootLine.flatMap(Self.event))
        #expect(root["rootCause"] as? String == "bureau")
        #expect(root["suppressed"] as? Bool == false)
        #expect(root["severity"] as? String == "critical")
        for victim in ["loans", "cards"] {
            let line = await watch.waitForLine { Self.isEvent($0, "firing", victim) }
            let json = try #require(line.flatMap(Self.event), "no firing line for \(victim)")
            #expect(json["rootCause"] as? String == "bureau")
            #expect(json["suppressed"] as? Bool == true)
            #expect((json["summary"] as? String)?.contains("caused by bureau") == true)
        }
        // Detection: the root's alert within interval + timeout + 1 s of the failure (2.5 s),
        // with slack for a loaded machine.
        let firedAt = try #require(Self.date(root))
        let detection = firedAt.timeIntervalSince(failedAt)
        #expect(detection < 5.0, "root-cause alert after \(detection) s")
        print("watch detection latency: \(String(format: "%.2f", detection)) s")

        server.script("/bureau", .ok())
        server.script("/loans", .ok())
        server.script("/cards", .ok())
        for service in ["bureau", "loans", "cards"] {
            let line = await watch.waitForLine { Self.isEvent($0, "resolved", service) }
            let json = try #require(line.flatMap(Self.event), "no resolved line for \(service)")
            #expect(json["rootCause"] as? String == "bureau")
        }
        watch.signal(SIGTERM)
        let status = await watch.waitForExit(timeout: .seconds(5))
        #expect(status == 0)
        await server.stop()

        // Every stdout line is an event of the contract; nothing else reaches stdout.
        let lines = watch.stdoutLines
        #expect(!lines.isEmpty)
        for line in lines {
            let json = try #require(Self.event(line), "not JSON: \(line)")
            let keys = Set(json.keys)
            #expect(
                keys.isSuperset(of: [
                    "time", "event", "alert", "service", "severity", "rootCause", "suppressed",
                    "summary",
                ]), "\(line)")
            #expect(["firing", "resolved"].contains(json["event"] as? String))
        }
        // Every firing has its resolved.
        let firing = lines.compactMap(Self.event).filter { $0["event"] as? String == "firing" }
        let resolved = lines.compactMap(Self.event).filter { $0["event"] as? String == "resolved" }
        #expect(firing.count == resolved.count)
        #expect(!lines.contains { $0.contains("\"gift\"") })
    }

    @Test func sigtermFlushesHistoryAndExitsZero() async throws {
        let server = try await Self.healthy()
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server))
        let state = scratch.file("state.sqlite")
        let watch = try RunningBinary(["watch", "--headless", "--config", config, "--state", state])
        // Three rounds of four probes served, so there is history to flush.
        #expect(await waitUntil { server.requests.count >= 12 }, "served \(server.requests.count)")
        watch.signal(SIGTERM)
        let status = await watch.waitForExit(timeout: .seconds(5))
        #expect(status == 0)
        // Non-terminal stdout defaults to JSON lines; all healthy, so nothing at all.
        #expect(watch.stdoutLines.isEmpty, "\(watch.stdoutLines)")
        #expect(watch.stderrLines.contains { $0.contains("history flushed") }, "\(watch.stderrLines)")
        let served = server.requests.count
        await server.stop()
        let store = try HistoryStore(path: state) { Issue.record("unexpected: \($0)") }
        let stored = try store.aggregates(since: .distantPast).values.flatMap { $0 }
            .reduce(0) { $0 + $1.availabilityTotal }
        // Something was served and is on disk: the test cannot pass with an empty history.
        #expect(served >= 12)
        #expect(stored > 0)
        // A clean stop keeps every completed probe, also those since the last once-a-second write;
        // one cut off by the signal may be missing.
        #expect(stored >= Int64(served) - 4 && stored <= Int64(served), "stored \(stored), served \(served)")
    }

    @Test func hardKillLosesAtMostAboutOneBatchAndARestartResumesBudgetsAndAlerts() async throws {
        let server = try await Self.healthy()
        server.script("/gift", .status(500))
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server))
        let state = scratch.file("state.sqlite")
        let watch = try RunningBinary(["watch", "--headless", "--config", config, "--state", state])
        // gift's down alert fires, and the history (written once a second) holds it.
        let firing = await watch.waitForLine { Self.isEvent($0, "firing", "gift") }
        let incident = try #require(firing.flatMap(Self.event)?["incident"] as? String, "\(watch.stdoutLines)")
        #expect(
            await waitUntil { (try? await IncidentRestartTests.storedAlerts(state, id: incident)) ?? 0 >= 1 },
            "gift's alert never reached the history")
        // Four probes a second: about 4 s, however long a loaded machine takes to start the binary.
        #expect(await waitUntil { server.requests.count >= 16 }, "served \(server.requests.count)")
        watch.signal(SIGKILL)
        _ = await watch.waitForExit(timeout: .seconds(5))
        let served = server.requests.count
        await server.stop()
        // Four probes a second; writes once a second: at most about a second and a half of
        // results (one batch plus probes in flight) may be lost.
        let store = try HistoryStore(path: state) { Issue.record("state file unusable after SIGKILL: \($0)") }
        let stored = try store.aggregates(since: .distantPast).values.flatMap { $0 }
            .reduce(0) { $0 + $1.availabilityTotal }
        #expect(served >= 12)
        #expect(stored >= Int64(served) - 8 && stored <= Int64(served), "stored \(stored), served \(served)")

        // A restart resumes from it. gift answers again from now on, so whatever the restarted
        // agent shows of gift's failures comes from the history: its budget is spent, and its
        // alert is still firing (not told again) until gift's first good probe resolves it.
        let restarted = try await LoopbackHTTPServer.start(
            routes: ["/bureau": .ok(), "/loans": .ok(), "/cards": .ok(), "/gift": .ok()])
        let restartedConfig = try scratch.write("probes-again.json", Self.config(restarted))
        let port = try #require(FreePort.find())
        let again = try RunningBinary([
            "watch", "--headless", "--config", restartedConfig, "--state", state,
            "--site", "e2e", "--metrics-listen", "127.0.0.1:\(port)",
        ])
        let budget =
            "incidentboard_slo_error_budget_remaining_ratio{service=\"gift\",site=\"e2e\",sli=\"availability\"}"
        let bureauBudget = budget.replacingOccurrences(of: "gift", with: "bureau")
        var metrics = ""
        #expect(
            await waitUntil {
                metrics = await Scrape.get(port: port, "/metrics")?.body ?? ""
                return Self.value(of: budget, in: metrics) != nil
            }, "no budget of gift at /metrics: \(metrics.prefix(1000))")
        let resolved = await again.waitForLine { Self.isEvent($0, "resolved", "gift") }
        #expect(resolved != nil, "the restored firing alert of gift was not resolved: \(again.stdoutLines)")
        #expect(
            !again.stdoutLines.contains { Self.isEvent($0, "firing", "gift") },
            "a restored firing alert is not told again: \(again.stdoutLines)")
        metrics = await Scrape.get(port: port, "/metrics")?.body ?? ""
        let giftBudget = try #require(Self.value(of: budget, in: metrics), "\(metrics.prefix(1000))")
        #expect(giftBudget < 1, "gift's budget restored as spent, not fresh: \(giftBudget)")
        #expect(Self.value(of: bureauBudget, in: metrics) == 1, "bureau's budget is untouched")
        again.signal(SIGINT)
        #expect(await again.waitForExit(timeout: .seconds(5)) == 0)
        await restarted.stop()
    }

    /// The value of the exposition line that starts with `series` (name and labels), if any.
    static func value(of series: String, in exposition: String) -> Double? {
        exposition.split(separator: "\n").first { $0.hasPrefix(series + " ") }
            .flatMap { Double($0.dropFirst(series.count + 1)) }
    }

    @Test func textFormatIsOneHumanLinePerEvent() async throws {
        let server = try await Self.healthy()
        server.script("/gift", .status(500))
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server))
        let watch = try RunningBinary([
            "watch", "--headless", "--format", "text", "--config", config,
            "--state", scratch.file("s.sqlite"),
        ])
        let line = await watch.waitForLine { $0.contains("FIRING") }
        watch.signal(SIGINT)
        #expect(await watch.waitForExit() == 0)
        await server.stop()
        let text = try #require(line)
        // The incident's id closes the line, so it can be typed into `incidentboard incidents`.
        #expect(
            text.wholeMatch(
                of: /\d\d:\d\d:\d\d FIRING   critical gift down .*HTTP 500.* \(root cause\) \{\d{4}-\d\d-\d\d-gift\}/)
                != nil,
            "\(text)")
    }

    @Test func badConfigExitsThree() async throws {
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", #"{"services": []}"#)
        let outcome = try await Binary.run(["watch", "--headless", "--config", config])
        #expect(outcome.status == 3)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr.hasPrefix("incidentboard: \(config): "))
    }
}
