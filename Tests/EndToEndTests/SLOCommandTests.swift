import Foundation
import ProbesTesting
import Testing

@Suite("slo command (built binary)")
struct SLOCommandTests {
    struct Case: CustomStringConvertible, Sendable {
        var window: String
        var windowSeconds: Double
        var errorRatio: Double
        var description: String { "\(window) at error ratio \(errorRatio)" }
    }

    static let cases = [
        Case(window: "30d", windowSeconds: 30 * 86_400, errorRatio: 1.0),
        Case(window: "30d", windowSeconds: 30 * 86_400, errorRatio: 0.1),
        Case(window: "30d", windowSeconds: 30 * 86_400, errorRatio: 0.01),
        Case(window: "28d", windowSeconds: 28 * 86_400, errorRatio: 1.0),
        Case(window: "28d", windowSeconds: 28 * 86_400, errorRatio: 0.05),
    ]

    /// Detection time = burn rate × (1 − SLO) ÷ error ratio × long window (SRE Workbook), within one
    /// fine bucket (10 s); a rule whose factor is above errorRatio ÷ (1 − SLO) never fires.
    @Test(arguments: cases)
    func simulateAgreesWithTheWorkbookFormula(_ c: Case) async throws {
        let outcome = try await Binary.run([
            "slo", "simulate", "--objective", "99.9", "--window", c.window,
            "--error-ratio", String(c.errorRatio), "--format", "json",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        #expect(json["objective"] as? Double == 99.9)
        #expect(json["window"] as? String == c.window)
        let rules = try #require(json["rules"] as? [[String: Any]])
        #expect(rules.map { $0["name"] as? String } == ["page-1h", "page-6h", "ticket-3d"])
        let shares = [("page-1h", 2.0, 3600.0), ("page-6h", 5.0, 21_600.0), ("ticket-3d", 10.0, 259_200.0)]
        for (rule, (name, share, long)) in zip(rules, shares) {
            let factor = share / 100 * c.windowSeconds / long
            #expect(abs((rule["burnRate"] as? Double ?? 0) - factor) < 1e-3, "\(name)")
            let fired = rule["firedAfterSeconds"] as? Double
            if c.errorRatio / 0.001 < factor {
                #expect(fired == nil, "\(name) must never fire at \(c.errorRatio)")
            } else {
                let formula = factor * 0.001 / c.errorRatio * long
                let actual = try #require(fired, "\(name) never fired")
                #expect(
                    actual >= formula - 10 && actual <= formula + 10, "\(name): \(actual) s vs formula \(formula) s")
                let consumed = try #require(rule["budgetConsumed"] as? Double)
                #expect(abs(consumed - share / 100) < 0.01, "\(name) consumed \(consumed)")
            }
        }
        if c.window == "30d" && c.errorRatio == 0.01 {
            #expect(rules[0]["firedAfterSeconds"] is NSNull, "14.4 must never fire at 1 % errors")
        }
    }

    @Test func simulateRejectsBadInput() async throws {
        for arguments in [
            ["--objective", "100", "--window", "30d", "--error-ratio", "1"],
            ["--objective", "99.9", "--window", "soon", "--error-ratio", "1"],
            ["--objective", "99.9", "--window", "30d", "--error-ratio", "0"],
            ["--objective", "99.9", "--window", "30d", "--error-ratio", "2"],
        ] {
            let outcome = try await Binary.run(["slo", "simulate"] + arguments)
            #expect(outcome.status == 3, "\(arguments)")
            #expect(outcome.stderr.hasPrefix("incidentboard: "), "\(outcome.stderr)")
            #expect(outcome.stdout.isEmpty)
        }
    }

    @Test func reportFromStoredHistory() async throws {
        let server = try await LoopbackHTTPServer.start(routes: ["/a": .ok(), "/b": .status(500)])
        let scratch = try Scratch()
        let config = try scratch.write(
            "probes.json",
            """
            {"defaults": {"interval": "1s", "timeout": "900ms"},
             "services": [
               {"name": "a", "probe": {"type": "http", "url": "\(server.url("/a"))"}},
               {"name": "b", "probe": {"type": "http", "url": "\(server.url("/b"))"}, "slo": {"objective": 99}}
             ]}
            """)
        let state = scratch.file("state.sqlite")
        let watch = try RunningBinary(["watch", "--headless", "--config", config, "--state", state])
        // Three rounds of both probes served before the stop.
        #expect(await waitUntil { server.requests.count >= 6 }, "served \(server.requests.count)")
        watch.signal(SIGTERM)
        #expect(await watch.waitForExit() == 0)
        await server.stop()

        let outcome = try await Binary.run(["slo", "--config", config, "--state", state, "--format", "json"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let services = try #require(json["services"] as? [[String: Any]])
        #expect(services.map { $0["service"] as? String } == ["a", "b"])
        for service in services {
            let slis = try #require(service["slis"] as? [[String: Any]])
            #expect(slis.map { $0["sli"] as? String } == ["availability", "latency"])
            let availability = slis[0]
            for key in [
                "objective", "window", "good", "total", "budgetRemaining", "burnRates",
                "timeToExhaustionSeconds", "coverage",
            ] {
                #expect(availability.keys.contains(key), "missing \(key)")
            }
            let total = try #require(availability["total"] as? Double)
            #expect(total >= 2)
            let rates = try #require(availability["burnRates"] as? [String: Double])
            #expect(Set(rates.keys) == ["5m", "30m", "1h", "2h", "6h", "1d", "3d", "28d"])
            if service["service"] as? String == "a" {
                #expect(availability["good"] as? Double == total)
                #expect(availability["budgetRemaining"] as? Double == 1)
                #expect(availability["timeToExhaustionSeconds"] is NSNull)
            } else {
                #expect(availability["objective"] as? Double == 99)
                #expect(availability["good"] as? Double == 0)
                #expect((availability["budgetRemaining"] as? Double ?? 0) < 0)
                #expect((rates["5m"] ?? 0) > 99)
            }
        }
        let text = try await Binary.run(["slo", "--config", config, "--state", state])
        #expect(text.status == 0)
        #expect(text.stdout.hasPrefix("SERVICE"))
        // A header and a row per service and SLI, then a note: seconds of a 28-day window are
        // too little for a budget, so b's overspend reads as not yet meaningful, not -99900 %.
        let lines = text.stdoutLines
        #expect(lines.count == 6, "\(text.stdout)")
        let bAvailability = try #require(lines.first { $0.hasPrefix("b ") && $0.contains("availability") })
        #expect(bAvailability.contains("not yet meaningful"), "\(bAvailability)")
        #expect(lines.last?.hasPrefix("not yet meaningful: less than 1% of the SLO window has data") == true)
    }

    @Test func reportWithoutHistoryIsAClearError() async throws {
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", #"{"services": [{"name": "a"}]}"#)
        let outcome = try await Binary.run(["slo", "--config", config, "--state", scratch.file("none.sqlite")])
        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("no history yet"))
        #expect(!FileManager.default.fileExists(atPath: scratch.file("none.sqlite")))
    }
}
