import Foundation
import ProbesTesting
import Testing

/// Transaction probes run by the built binary against loopback servers the tests control: values
/// flow from one step to the next, a failing step stops the journey and is named, cleanup always
/// runs, timeouts cut steps and journeys, extracted tokens never reach any output, and a failing
/// step's upstream is named the root cause.
@Suite("transaction probes (built binary)")
struct TransactionEndToEndTests {
    static let token = "tok-" + UUID().uuidString.lowercased()
    static let order = "ord-" + UUID().uuidString.lowercased().prefix(8)

    /// A shop: log in, create an order, pay it, read it back; cancel is the cleanup.
    static func shop() async throws -> LoopbackHTTPServer {
        try await LoopbackHTTPServer.start(routes: [
            "/login": .json(#"{"token":"\#(token)"}"#),
            "/orders": .json(#"{"order":"\#(order)","amount":4500}"#),
            "/pay": .json(#"{"paid":4500}"#),
            "/orders/\(order)": .json(#"{"order":"\#(order)","charged":4500,"paid":4500}"#),
            "/orders/\(order)/cancel": .json(#"{"cancelled":true}"#),
            "/bureau/health": .json(#"{"status":"UP"}"#),
        ])
    }

    /// The journey's config; `payUpstream` names what the pay step exercises.
    static func config(
        _ server: LoopbackHTTPServer, timeout: String = "8s", payTimeout: String? = nil,
        bureauProbe: Bool = true, interval: String = "30s"
    ) -> String {
        let bureau =
            bureauProbe
            ? #"{ "name": "bureau", "probe": { "type": "http", "url": "\#(server.url("/bureau/health"))" } }"#
            : #"{ "name": "bureau" }"#
        let payTimeoutField = payTimeout.map { #", "timeout": "\#($0)""# } ?? ""
        return """
            {
              "defaults": { "interval": "\(interval)", "timeout": "\(timeout)" },
              "slo": { "latency": { "threshold": "9s" } },
              "services": [
                \(bureau),
                { "name": "journey", "probe": { "type": "transaction",
                  "steps": [
                    { "name": "log in", "method": "POST", "url": "\(server.url("/login"))",
                      "store": { "token": "[BODY].token" } },
                    { "name": "create order", "method": "POST", "url": "\(server.url("/orders"))",
                      "headers": { "Authorization": "Bearer [CONTEXT].token" },
                      "body": "{\\"token\\": \\"[CONTEXT].token\\"}",
                      "conditions": ["[STATUS] == 200"], "store": { "order_id": "[BODY].order" } },
                    { "name": "pay", "method": "POST", "url": "\(server.url("/pay"))", "upstream": "bureau",
                      "headers": { "X-Session": "[CONTEXT].token" }\(payTimeoutField),
                      "conditions": ["[STATUS] == 200"], "store": { "paid": "[BODY].paid" }, "public": ["paid"] },
                    { "name": "order matches payment", "url": "\(server.url("/orders/"))[CONTEXT].order_id",
                      "conditions": ["[BODY].charged == [CONTEXT].paid"] }
                  ],
                  "cleanup": [
                    { "name": "cancel the test order", "method": "POST",
                      "url": "\(server.url("/orders/"))[CONTEXT].order_id/cancel",
                      "headers": { "X-Session": "[CONTEXT].token" } }
                  ] } }
              ]
            }
            """
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    static func service(_ json: [String: Any], _ name: String) -> [String: Any]? {
        (json["services"] as? [[String: Any]])?.first { $0["name"] as? String == name }
    }

    static func steps(_ json: [String: Any], _ name: String) -> [[String: Any]] {
        service(json, name)?["steps"] as? [[String: Any]] ?? []
    }

    @Test func valuesFlowBetweenStepsAndCleanupRuns() async throws {
        let server = try await Self.shop()
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server))
        let outcome = try await Binary.run(["check", "--config", config, "--format", "json"])
        await server.stop()
        #expect(outcome.status == 0, "\(outcome.stdout)\n\(outcome.stderr)")
        let json = try Self.object(outcome.stdout)
        let steps = Self.steps(json, "journey")
        #expect(
            steps.map { $0["name"] as? String } == [
                "log in", "create order", "pay", "order matches payment", "cancel the test order",
            ])
        #expect(steps.allSatisfy { $0["status"] as? String == "up" }, "\(steps)")
        #expect(steps.allSatisfy { $0["latencyMs"] is Double }, "\(steps)")
        #expect(steps.last?["cleanup"] as? Bool == true)
        #expect(steps[2]["upstream"] as? String == "bureau")
        // The token went into a header and a body, the order id into a URL, the paid amount into a condition.
        let create = try #require(server.requests(to: "/orders").first)
        #expect(create.header("Authorization") == "Bearer \(Self.token)")
        #expect(String(decoding: create.body, as: UTF8.self) == #"{"token": "\#(Self.token)"}"#)
        #expect(server.requests(to: "/pay").first?.header("X-Session") == Self.token)
        #expect(server.requests(to: "/orders/\(Self.order)").count == 1)
        #expect(server.requests(to: "/orders/\(Self.order)/cancel").first?.header("X-Session") == Self.token)
        #expect(!outcome.stdout.contains(Self.token) && !outcome.stdout.contains(Self.order))
    }

    @Test func aFailingMiddleStepStopsTheJourneyNamesTheStepAndCleanupStillRuns() async throws {
        let server = try await Self.shop()
        server.script("/pay", .status(502, body: "card network unreachable"))
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server))
        let json = try await Binary.run(["check", "--config", config, "--format", "json"])
        let text = try await Binary.run(["check", "--config", config])
        let nagios = try await Binary.run(["check", "--config", config, "--format", "nagios"])
        await server.stop()
        #expect(json.status == 2, "\(json.stdout)\n\(json.stderr)")
        let steps = Self.steps(try Self.object(json.stdout), "journey")
        #expect(steps.map { $0["status"] as? String } == ["up", "up", "down", "skipped", "up"], "\(steps)")
        #expect(steps[2]["error"] as? String == "condition [STATUS] == 200 failed: got 502", "\(steps)")
        #expect(steps[3]["error"] as? String == "not run: an earlier step failed")
        #expect(
            Self.service(try Self.object(json.stdout), "journey")?["error"] as? String
                == #"step "pay" failed: condition [STATUS] == 200 failed: got 502"#)
        // The read-back never ran; the cancel did, for the order created before the failure.
        #expect(server.requests(to: "/orders/\(Self.order)").isEmpty)
        #expect(server.requests(to: "/orders/\(Self.order)/cancel").count == 3, "one cancel per check run")
        let journeyRow = text.stdout.split(separator: "\n").first { $0.hasPrefix("down") && $0.contains(" journey ") }
        #expect(
            journeyRow?.contains(#"step "pay" failed: condition [STATUS] == 200 failed: got 502"#) == true,
            "\(text.stdout)")
        #expect(nagios.stdout.hasPrefix("INCIDENTBOARD CRITICAL"), "\(nagios.stdout)")
        #expect(nagios.stdout.contains(#"step "pay" failed"#), "\(nagios.stdout)")
    }

    @Test func aFailingCleanupIsReportedWithoutHidingTheFirstFailure() async throws {
        let server = try await Self.shop()
        server.script("/pay", .status(502))
        server.script("/orders/\(Self.order)/cancel", .status(500))
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server))
        let outcome = try await Binary.run(["check", "--config", config, "--format", "json"])
        await server.stop()
        let journey = try #require(Self.service(try Self.object(outcome.stdout), "journey"))
        #expect(
            journey["error"] as? String
                == #"step "pay" failed: condition [STATUS] == 200 failed: got 502; "#
                + #"cleanup step "cancel the test order" failed: HTTP 500"#)
        #expect(Self.steps(try Self.object(outcome.stdout), "journey").last?["status"] as? String == "down")
    }

    @Test func aHangingStepIsCutAtItsOwnTimeout() async throws {
        let server = try await Self.shop()
        server.script("/pay", .neverAnswer)
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server, timeout: "8s", payTimeout: "300ms"))
        let outcome = try await Binary.run(["check", "--config", config, "--format", "json"])
        await server.stop()
        let steps = Self.steps(try Self.object(outcome.stdout), "journey")
        #expect(steps[2]["status"] as? String == "down")
        #expect(steps[2]["error"] as? String == "timeout after 300 ms", "\(steps)")
        #expect(server.requests(to: "/orders/\(Self.order)/cancel").count == 1, "cleanup runs after a timeout")
    }

    @Test func aHangingStepIsCutAtTheTransactionsTimeout() async throws {
        let server = try await Self.shop()
        server.script("/pay", .neverAnswer)
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server, timeout: "1500ms", payTimeout: "20s"))
        let outcome = try await Binary.run(["check", "--config", config, "--format", "json"])
        await server.stop()
        let steps = Self.steps(try Self.object(outcome.stdout), "journey")
        #expect(steps[2]["status"] as? String == "down")
        #expect(steps[2]["error"] as? String == "transaction timeout after 1500 ms", "\(steps)")
        #expect(steps[3]["status"] as? String == "skipped")
        #expect(server.requests(to: "/orders/\(Self.order)/cancel").count == 1, "cleanup runs after a timeout")
    }

    @Test(arguments: [true, false])
    func aFailingStepNamesItsUpstreamAsTheRootCause(bureauHasProbe: Bool) async throws {
        let server = try await Self.shop()
        server.script("/pay", .status(503))
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server, bureauProbe: bureauHasProbe))
        let outcome = try await Binary.run(["check", "--config", config, "--format", "json"])
        await server.stop()
        let json = try Self.object(outcome.stdout)
        let incidents = try #require(json["incidents"] as? [[String: Any]], "\(outcome.stdout)")
        #expect(incidents.count == 1, "\(outcome.stdout)")
        #expect(incidents.first?["rootCause"] as? String == "bureau", "\(outcome.stdout)")
        #expect(incidents.first?["impacted"] as? [String] == ["journey"], "\(outcome.stdout)")
        #expect(Self.service(json, "journey")?["rootCauses"] as? [String] == ["bureau"])
        if bureauHasProbe {
            // Its own health probe is green: the journey is what saw it fail.
            let bureau = try #require(Self.service(json, "bureau"))
            #expect(bureau["status"] as? String == "up")
            #expect(bureau["error"] as? String == #"failing as seen by journey step "pay""#, "\(bureau)")
        }
    }

    @Test func anExtractedTokenNeverAppearsInAnyOutput() async throws {
        let server = try await Self.shop()
        // The read-back echoes the token and fails a condition on it: the message would show it.
        server.script("/orders/\(Self.order)", .json(#"{"charged":"\#(Self.token)","paid":4500}"#))
        let scratch = try Scratch()
        let config = try scratch.write("probes.json", Self.config(server, timeout: "2s", interval: "3s"))
        let state = scratch.file("state.sqlite")
        let port = try #require(FreePort.find())
        let watch = try RunningBinary([
            "watch", "--headless", "--format", "json", "--config", config, "--state", state,
            "--metrics-listen", "127.0.0.1:\(port)",
        ])
        let firing = await watch.waitForLine(timeout: .seconds(60)) {
            $0.contains(#""event":"firing""#) && $0.contains(#""service":"journey""#)
        }
        #expect(firing?.contains(#"step \"order matches payment\" failed"#) == true, "\(watch.stdoutLines)")
        var metrics = ""
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let response = await Scrape.get(port: port, "/metrics"),
                response.body.contains("probe_step_duration_seconds")
            {
                metrics = response.body
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        watch.signal(SIGTERM)
        #expect(await watch.waitForExit(timeout: .seconds(15)) == 0)
        #expect(metrics.contains(#"probe_step_duration_seconds{service="journey",site=""#), "\(metrics.suffix(1500))")
        #expect(metrics.contains(#"step="order matches payment"} "#))
        #expect(metrics.contains(#"probe_step_success{service="journey""#))
        let promtool = try #require(try await PromtoolCheck.run(metrics), Comment(rawValue: PromtoolCheck.missing))
        #expect(promtool.status == 0 && promtool.output.isEmpty, "promtool check metrics: \(promtool.output)")
        let check = try await Binary.run(["check", "--config", config, "--format", "json"])
        let checkText = try await Binary.run(["check", "--config", config])
        let checkNagios = try await Binary.run(["check", "--config", config, "--format", "nagios"])
        let incidents = try await Binary.run(["incidents", "--state", state, "--config", config])
        await server.stop()
        #expect(check.stdout.contains("***"), "the failed condition's message is masked: \(check.stdout)")
        var outputs: [(String, String)] = [
            ("watch stdout", watch.stdoutLines.joined(separator: "\n")),
            ("watch stderr", watch.stderrLines.joined(separator: "\n")),
            ("/metrics", metrics),
        ]
        for (name, run) in [
            ("check json", check), ("check text", checkText), ("check nagios", checkNagios),
            ("incidents", incidents),
        ] {
            outputs += [(name + " stdout", run.stdout), (name + " stderr", run.stderr)]
        }
        for suffix in ["", "-wal", "-shm"] {
            if let bytes = FileManager.default.contents(atPath: state + suffix) {
                outputs.append(("history file" + suffix, String(decoding: bytes, as: UTF8.self)))
            }
        }
        #expect(outputs.contains { $0.0 == "history file" })
        for (name, text) in outputs {
            #expect(!text.contains(Self.token), "the token leaked into \(name)")
            #expect(!text.contains(Self.order), "the order id leaked into \(name)")
        }
    }

    @Test func validateReportsEveryTransactionMistakeWithItsPathInOneRun() async throws {
        let scratch = try Scratch()
        let config = try scratch.write(
            "probes.json",
            """
            {"services": [
              {"name": "bureau"},
              {"name": "journey", "probe": {"type": "transaction",
                "steps": [
                  {"name": "log in", "url": "http://127.0.0.1:1/login", "store": {"token": "[BODY].token"}},
                  {"name": "pay", "url": "http://127.0.0.1:1/pay/[CONTEXT].order", "upstream": "bureua",
                   "headers": {"X-Session": "[CONTEXT].token"}},
                  {"name": "pay", "url": "http://127.0.0.1:1/again"}
                ],
                "cleanup": [
                  {"name": "cancel", "url": "http://127.0.0.1:1/cancel/[CONTEXT].receipt"}
                ]}}
            ]}
            """)
        let outcome = try await Binary.run(["validate", "--config", config])
        #expect(outcome.status == 1)
        let lines = outcome.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(lines)")
        let prefix = "incidentboard: \(config): "
        #expect(
            lines.contains(
                prefix + "services[1].probe.steps[1].url: "
                    + "[CONTEXT].order is used before any earlier step stores it"), "\(lines)")
        #expect(
            lines.contains(
                prefix + #"services[1].probe.steps[1].upstream: unknown upstream "bureua" "#
                    + #"(not an entry of services); did you mean "bureau"?"#), "\(lines)")
        #expect(
            lines.contains(
                prefix + #"services[1].probe.steps[2].name: duplicate step name "pay" "#
                    + "(also at services[1].probe.steps[1].name)"), "\(lines)")
        #expect(
            lines.contains(
                prefix + "services[1].probe.cleanup[0].url: "
                    + "[CONTEXT].receipt is used by a cleanup step but no step stores it"), "\(lines)")
    }
}
